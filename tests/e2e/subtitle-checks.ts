/** Strict checks of SRT and WebVTT documents: numbering, timestamp syntax, order, durations. */
export type Cue = { start: number; end: number; lines: string[] };

const toSec = (h: string, m: string, s: string, ms: string) => Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;

export function parseSrt(doc: string): Cue[] {
  const blocks = doc
    .replace(/\r\n/g, "\n")
    .trim()
    .split(/\n{2,}/);
  return blocks.map((block, i) => {
    const [num, timing, ...lines] = block.split("\n");
    if (num !== String(i + 1)) throw new Error(`cue ${i + 1}: bad number ${num}`);
    const m = /^(\d{2}):(\d{2}):(\d{2}),(\d{3}) --> (\d{2}):(\d{2}):(\d{2}),(\d{3})$/.exec(timing ?? "");
    if (!m) throw new Error(`cue ${i + 1}: bad timing ${timing}`);
    if (lines.length === 0 || lines.some((l) => !l.trim())) throw new Error(`cue ${i + 1}: no text`);
    return { start: toSec(m[1]!, m[2]!, m[3]!, m[4]!), end: toSec(m[5]!, m[6]!, m[7]!, m[8]!), lines };
  });
}

export function parseVtt(doc: string): Cue[] {
  const [header, ...blocks] = doc
    .replace(/\r\n/g, "\n")
    .trim()
    .split(/\n{2,}/);
  if (!header?.startsWith("WEBVTT")) throw new Error("missing WEBVTT header");
  return blocks
    .filter((b) => !b.startsWith("NOTE"))
    .map((block, i) => {
      const rows = block.split("\n");
      const timingAt = rows.findIndex((r) => r.includes("-->"));
      const m = /^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})/.exec(rows[timingAt] ?? "");
      if (!m) throw new Error(`cue ${i + 1}: bad timing ${rows[timingAt]}`);
      const lines = rows.slice(timingAt + 1);
      if (lines.length === 0) throw new Error(`cue ${i + 1}: no text`);
      return { start: toSec(m[1]!, m[2]!, m[3]!, m[4]!), end: toSec(m[5]!, m[6]!, m[7]!, m[8]!), lines };
    });
}

/** Cues in order, not overlapping, each with a positive duration inside the media. */
export function checkCues(cues: Cue[], durationSec: number): void {
  if (cues.length === 0) throw new Error("no cues");
  let last = 0;
  for (const [i, c] of cues.entries()) {
    if (!(c.end > c.start)) throw new Error(`cue ${i + 1}: end ${c.end} not after start ${c.start}`);
    if (c.start < last - 1e-6) throw new Error(`cue ${i + 1}: overlaps the previous cue`);
    if (c.end > durationSec + 1) throw new Error(`cue ${i + 1}: ends after the media`);
    last = c.end;
  }
}
