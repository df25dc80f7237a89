import type { Segment, Transcript, Word } from "@mp4t/contracts";
import { assembleTranscript } from "./assemble.ts";

/** A correction to one segment of a transcript, addressed by its index in the segment list. */
export type SegmentEdit = { index: number; text: string; speaker?: string; start?: number; end?: number };

/** A correction the transcript cannot take (unknown index, times out of bounds...). The gateway answers 400. */
export class TranscriptEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TranscriptEditError";
  }
}

const MAX_NAME = 100;
const MAX_TEXT = 5000;
// Times are stored to the millisecond; this much slack absorbs float noise at the bounds.
const EPS = 0.0005;
const round = (s: number) => Math.round(s * 1000) / 1000;

/** Trims and checks a speaker name: 1-100 characters, no control characters. */
export function checkSpeakerName(name: string): string {
  const n = name.trim();
  if (n.length === 0 || n.length > MAX_NAME) throw new TranscriptEditError(`a speaker name has 1-${MAX_NAME} characters`);
  if (/\p{Cc}/u.test(n)) throw new TranscriptEditError("a speaker name may not hold control characters");
  return n;
}

/**
 * The transcript rebuilt around edited segments: paragraphs, full text and the speaker list are
 * derived again (as the enhancer derived them), enhancements are kept as they were.
 */
const reassemble = (t: Transcript, segments: Segment[]): Transcript =>
  assembleTranscript({ language: t.language, durationSec: t.durationSec, segments, enhancements: t.enhancements });

/**
 * Gives speakers names: `{"Speaker 1": "Alice"}`. Every segment and word of a renamed label takes
 * the name, so every format shows it. Two labels given the same name (or a label renamed to
 * another existing label) become one speaker: that is how a split speaker is merged. Labels not
 * in the transcript are refused, so a typo does not pass silently.
 */
export function renameSpeakers(t: Transcript, names: Record<string, string>): Transcript {
  const known = new Set(t.speakers);
  const map = new Map<string, string>();
  for (const [from, to] of Object.entries(names)) {
    if (!known.has(from)) throw new TranscriptEditError(`the transcript has no speaker "${from}" (it has: ${t.speakers.join(", ") || "none"})`);
    map.set(from, checkSpeakerName(to));
  }
  if (map.size === 0) throw new TranscriptEditError("name at least one speaker");
  const rename = (s: string | undefined) => (s === undefined ? undefined : (map.get(s) ?? s));
  const withSpeaker = <T extends { speaker?: string }>(x: T): T => {
    const speaker = rename(x.speaker);
    return speaker === undefined ? x : { ...x, speaker };
  };
  return reassemble(
    t,
    t.segments.map((s) => ({ ...withSpeaker(s), words: s.words.map(withSpeaker) })),
  );
}

/** Leading and trailing punctuation off a display token: the word as an engine would spell it. */
const bareWord = (token: string) => token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "") || token;

/**
 * Word timings for corrected text: the segment's time is shared among the new words in
 * proportion to their length in characters (plus one for the space after each), in order. No
 * acoustics are consulted, so inside a segment the times are estimates; the segment's own start
 * and end stay exact. Words a person typed carry no engine confidence.
 */
export function realignWords(text: string, start: number, end: number, speaker?: string): Word[] {
  const tokens = text.split(/\s+/u).filter(Boolean);
  const weights = tokens.map((t) => t.length + 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const span = Math.max(0, end - start);
  let acc = 0;
  return tokens.map((tok, i) => {
    const ws = start + (span * acc) / total;
    acc += weights[i]!;
    // The last word ends exactly at the segment's end; the others just before the next word's share.
    const we = i === tokens.length - 1 ? end : start + (span * (acc - 1)) / total;
    return { start: round(ws), end: round(Math.max(ws, we)), word: bareWord(tok), ...(speaker ? { speaker } : {}) };
  });
}

/**
 * Applies corrections to segments. `index` addresses the current segment list; `text` replaces
 * the segment's text and its words are re-aligned (see `realignWords`); `start`/`end` move the
 * segment within its neighbours (not before the previous segment's end, not past the next one's
 * start, never past the recording); `speaker` relabels the segment and its words. A segment whose
 * text and times are unchanged keeps its engine words and timings.
 */
export function applySegmentEdits(t: Transcript, edits: SegmentEdit[]): Transcript {
  if (edits.length === 0) throw new TranscriptEditError("send at least one segment edit");
  const seen = new Set<number>();
  const segments = t.segments.slice();
  for (const e of edits) {
    if (!Number.isInteger(e.index) || e.index < 0 || e.index >= segments.length) {
      throw new TranscriptEditError(`segment ${e.index} does not exist (the transcript has ${segments.length})`);
    }
    if (seen.has(e.index)) throw new TranscriptEditError(`segment ${e.index} is edited twice in one request`);
    seen.add(e.index);
    const text = e.text.replace(/\s+/gu, " ").trim();
    if (text.length === 0 || text.length > MAX_TEXT) throw new TranscriptEditError(`segment text has 1-${MAX_TEXT} characters`);
    const old = segments[e.index]!;
    const start = e.start ?? old.start;
    const end = e.end ?? old.end;
    if (e.start !== undefined || e.end !== undefined) {
      const lo = e.index > 0 ? segments[e.index - 1]!.end : 0;
      const hi = e.index < segments.length - 1 ? segments[e.index + 1]!.start : t.durationSec;
      if (!(start < end)) throw new TranscriptEditError(`segment ${e.index}: start must be before end`);
      if (start < lo - EPS || end > hi + EPS) {
        throw new TranscriptEditError(`segment ${e.index}: times must lie within ${round(lo)}-${round(hi)} s (its neighbours and the recording)`);
      }
    }
    const speaker = e.speaker === undefined ? old.speaker : checkSpeakerName(e.speaker);
    const sameWords = text === old.text && start === old.start && end === old.end;
    const words = sameWords ? old.words.map((w) => (speaker === undefined ? w : { ...w, speaker })) : realignWords(text, start, end, speaker);
    segments[e.index] = { start: round(start), end: round(end), text, ...(speaker === undefined ? {} : { speaker }), words };
  }
  return reassemble(t, segments);
}

const DEFAULT_LABEL = /^Speaker \d+$/;

/**
 * Whether renderers name speakers: when there are several, or when someone gave one a name
 * (a lone "Speaker 1" says nothing; a lone "Dr. Rao" does).
 */
export const labelsSpeakers = (t: Pick<Transcript, "speakers">) => t.speakers.length > 1 || t.speakers.some((s) => !DEFAULT_LABEL.test(s));
