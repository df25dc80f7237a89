export type Sse = { event?: string; id?: string; data?: unknown; comment?: string };

/** Reads server-sent events off a fetch response, one at a time. */
export function sseReader(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return {
    /** The next event or comment block; null once the server has ended the stream. */
    async next(): Promise<Sse | null> {
      while (!buffer.includes("\n\n")) {
        const { done, value } = await reader.read();
        if (done) return null;
        buffer += value;
      }
      const i = buffer.indexOf("\n\n");
      const block = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      const out: Sse = {};
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) out.comment = line.slice(1).trim();
        else if (line.startsWith("event: ")) out.event = line.slice(7);
        else if (line.startsWith("id: ")) out.id = line.slice(4);
        else if (line.startsWith("data: ")) out.data = JSON.parse(line.slice(6));
      }
      return out;
    },
    /** Every event until the stream ends, skipping comments. */
    async rest(): Promise<Sse[]> {
      const events: Sse[] = [];
      for (let e = await this.next(); e; e = await this.next()) if (e.event) events.push(e);
      return events;
    },
    cancel: () => reader.cancel(),
  };
}
