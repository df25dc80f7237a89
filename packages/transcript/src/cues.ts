import type { Segment } from "@mp4t/contracts";

export type Cue = { startMs: number; endMs: number; speaker?: string; lines: string[] };

export type CueOptions = {
  maxLineChars?: number;
  maxLines?: number;
  minDurationSec?: number;
  maxDurationSec?: number;
  /** Text put before the first cue of each speaker turn (SubRip has no voice tags). */
  turnLabel?: (speaker: string) => string;
};

/**
 * Breaks text into at most `maxLines` lines of at most `maxChars`, as balanced as possible.
 * Null if it does not fit.
 */
export function wrapLines(text: string, maxChars: number, maxLines: number): string[] | null {
  const words = text.split(" ").filter(Boolean);
  if (words.some((w) => w.length > maxChars)) return null;
  if (text.length <= maxChars) return [text];
  if (maxLines < 2) return null;
  let best: string[] | null = null;
  let bestWidth = Infinity;
  for (let i = 1; i < words.length; i++) {
    const head = words.slice(0, i).join(" ");
    if (head.length > maxChars) break;
    const rest = wrapLines(words.slice(i).join(" "), maxChars, maxLines - 1);
    if (!rest) continue;
    const width = Math.max(head.length, ...rest.map((l) => l.length));
    if (width < bestWidth) {
      best = [head, ...rest];
      bestWidth = width;
    }
  }
  return best;
}

/** Splits a token longer than a line into line-sized pieces, so every token fits somewhere. */
const pieces = (token: string, max: number) => {
  const out: string[] = [];
  for (let i = 0; i < token.length; i += max) out.push(token.slice(i, i + max));
  return out;
};

/**
 * Joins segments of one speaker that were split only for length (no real pause between them), so
 * the cut between cues falls where the text fits rather than leaving a short orphan cue.
 */
function runs(segments: Segment[], maxGapSec = 0.8): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const prev = out.at(-1);
    const timed = (x: Segment) => x.text.split(/\s+/).filter(Boolean).length === x.words.length;
    if (prev && prev.speaker === s.speaker && s.start - prev.end < maxGapSec && timed(prev) && timed(s)) {
      out[out.length - 1] = { ...prev, end: s.end, text: `${prev.text} ${s.text}`, words: [...prev.words, ...s.words] };
    } else {
      out.push(s);
    }
  }
  return out;
}

/**
 * Subtitle cues from segments: words are packed while the text fits the line limits and the cue
 * stays within the maximum duration; then times are made strictly sequential with every cue lasting
 * between the minimum and maximum duration (a short cue is lengthened, pushing the next one later).
 */
export function buildCues(segments: Segment[], opts: CueOptions = {}): Cue[] {
  const maxChars = opts.maxLineChars ?? 42;
  const maxLines = opts.maxLines ?? 2;
  const minMs = (opts.minDurationSec ?? 1) * 1000;
  const maxMs = (opts.maxDurationSec ?? 7) * 1000;
  const raw: { start: number; end: number; speaker?: string; lines: string[] }[] = [];
  let prevSpeaker: string | undefined;
  for (const seg of runs(segments)) {
    const tokens = seg.text.split(/\s+/).filter(Boolean);
    if (tokens.length === 0) continue;
    // Text tokens map to words one to one when the segment was built from them; else spread evenly.
    const timed = tokens.length === seg.words.length;
    const timeOf = (i: number, edge: "start" | "end") =>
      timed ? seg.words[i]![edge] : seg.start + ((seg.end - seg.start) * (i + (edge === "end" ? 1 : 0))) / tokens.length;
    let label = seg.speaker && opts.turnLabel && seg.speaker !== prevSpeaker ? opts.turnLabel(seg.speaker) : "";
    prevSpeaker = seg.speaker;
    type Current = { start: number; end: number; text: string; lines: string[] };
    let cur: Current | null = null as Current | null;
    const flush = () => {
      if (cur) raw.push({ start: cur.start, end: cur.end, ...(seg.speaker ? { speaker: seg.speaker } : {}), lines: cur.lines });
      cur = null;
    };
    for (let i = 0; i < tokens.length; i++) {
      for (const piece of pieces(tokens[i]!, maxChars)) {
        const start = timeOf(i, "start");
        const end = timeOf(i, "end");
        if (cur) {
          const text: string = `${cur.text} ${piece}`;
          const lines = wrapLines(text, maxChars, maxLines);
          if (lines && (end - cur.start) * 1000 <= maxMs) {
            cur = { ...cur, end, text, lines };
            continue;
          }
          flush();
        }
        const text = label ? `${label} ${piece}` : piece;
        const lines = wrapLines(text, maxChars, maxLines) ?? [label.slice(0, maxChars), piece].filter(Boolean);
        label = "";
        cur = { start, end, text, lines };
      }
    }
    flush();
  }
  const cues: Cue[] = [];
  let prevEnd = 0;
  for (const c of raw) {
    const startMs = Math.max(Math.round(c.start * 1000), prevEnd);
    const endMs = Math.min(Math.max(Math.round(c.end * 1000), startMs + minMs), startMs + maxMs);
    cues.push({ startMs, endMs, ...(c.speaker ? { speaker: c.speaker } : {}), lines: c.lines });
    prevEnd = endMs;
  }
  return cues;
}
