import { ApiError, apiErrorOf, unreachable } from "./errors.ts";
import type { JobEvent } from "./types.ts";

export type FollowInput = {
  baseUrl: string;
  token: string;
  jobId: string;
  signal?: AbortSignal;
  /** Reconnections (with Last-Event-ID) after the stream drops before the job ends. */
  maxReconnects?: number;
  fetch?: typeof fetch;
};

const TERMINAL = new Set(["completed", "failed", "canceled"]);

/** Splits a text/event-stream body into events: `{ id, event, data }` per blank-line-separated block. */
async function* serverSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ id?: string; event?: string; data: string }> {
  const decoder = new TextDecoderStream();
  let buffer = "";
  for await (const text of body.pipeThrough(decoder)) {
    buffer += text;
    let end: number;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
      const ev: { id?: string; event?: string; data: string } = { data: "" };
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(":")) continue; // a comment: keep-alive
        const [field, ...rest] = line.split(":");
        const value = rest.join(":").replace(/^ /, "");
        if (field === "data") ev.data += (ev.data ? "\n" : "") + value;
        else if (field === "id") ev.id = value;
        else if (field === "event") ev.event = value;
      }
      if (ev.data) yield ev;
    }
  }
}

/**
 * GET /v1/jobs/{id}/events as an async iterable of JobEvents: replays what happened, follows live,
 * reconnects from the last event id if the stream drops, and ends after completed, failed or canceled.
 */
export async function* followJobEvents(input: FollowInput): AsyncGenerator<JobEvent> {
  let lastId: string | undefined;
  let reconnects = input.maxReconnects ?? 5;
  for (;;) {
    const res = await (input.fetch ?? fetch)(`${input.baseUrl.replace(/\/$/, "")}/v1/jobs/${encodeURIComponent(input.jobId)}/events`, {
      headers: { authorization: `Bearer ${input.token}`, accept: "text/event-stream", ...(lastId ? { "last-event-id": lastId } : {}) },
      ...(input.signal ? { signal: input.signal } : {}),
    }).catch((err: unknown) => unreachable(input.baseUrl, err));
    if (!res.ok || !res.body) throw await apiErrorOf(res);
    for await (const ev of serverSentEvents(res.body)) {
      if (ev.id) lastId = ev.id;
      const event = JSON.parse(ev.data) as JobEvent;
      yield event;
      if (TERMINAL.has(event.type)) return;
    }
    if (reconnects-- <= 0) throw new ApiError(0, "NETWORK", "the event stream ended before the job did");
  }
}
