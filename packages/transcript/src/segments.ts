import type { Segment, Word } from "@mp4t/contracts";
import { endsSentence, formatWords, type SentenceOptions } from "./sentences.ts";

export type SegmentOptions = SentenceOptions & {
  /** A pause longer than this (seconds) starts a new segment. */
  maxPauseSec?: number;
  maxDurationSec?: number;
  maxWords?: number;
};

export type Paragraph = { start: number; end: number; speaker?: string; text: string };

export type ParagraphOptions = {
  /** A pause at least this long (seconds) starts a new paragraph. */
  pauseSec?: number;
  /** Past this length a paragraph ends at the next sentence end. */
  maxDurationSec?: number;
};

const round = (s: number) => Math.round(s * 1000) / 1000;

/**
 * Groups words into segments: a new one on a speaker change, a pause, or when the current one
 * reaches its maximum length. Segment text carries sentence casing and punctuation; the words
 * keep the engine's own spelling.
 */
export function buildSegments(words: Word[], opts: SegmentOptions = {}): Segment[] {
  const maxPause = opts.maxPauseSec ?? 0.8;
  const maxDuration = opts.maxDurationSec ?? 12;
  const maxWords = opts.maxWords ?? 20;
  const tokens = formatWords(words, opts);
  const segments: Segment[] = [];
  let cur: { words: Word[]; tokens: string[] } | null = null;
  const flush = () => {
    if (!cur || cur.words.length === 0) return;
    const first = cur.words[0]!;
    const last = cur.words.at(-1)!;
    segments.push({
      start: round(first.start),
      end: round(last.end),
      text: cur.tokens.join(" "),
      ...(first.speaker ? { speaker: first.speaker } : {}),
      words: cur.words,
    });
    cur = null;
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (cur) {
      const first = cur.words[0]!;
      const prev = cur.words.at(-1)!;
      const full = cur.words.length >= maxWords || w.end - first.start > maxDuration;
      if (w.speaker !== prev.speaker || w.start - prev.end > maxPause || full) flush();
    }
    cur ??= { words: [], tokens: [] };
    cur.words.push(w);
    cur.tokens.push(tokens[i]!);
  }
  flush();
  return segments;
}

/** Joins segments into paragraphs: a new one on a speaker change, a long pause, or a long paragraph's sentence end. */
export function buildParagraphs(segments: Segment[], opts: ParagraphOptions = {}): Paragraph[] {
  const pause = opts.pauseSec ?? 2;
  const maxDuration = opts.maxDurationSec ?? 60;
  const out: Paragraph[] = [];
  for (const s of segments) {
    const p = out.at(-1);
    const sameTurn = p && p.speaker === s.speaker && s.start - p.end < pause;
    const tooLong = p && s.start - p.start > maxDuration && endsSentence(p.text);
    if (p && sameTurn && !tooLong) {
      p.text = `${p.text} ${s.text}`;
      p.end = s.end;
    } else {
      out.push({ start: s.start, end: s.end, ...(s.speaker ? { speaker: s.speaker } : {}), text: s.text });
    }
  }
  return out;
}

/** Speakers in order of first appearance. */
export function speakersOf(segments: { speaker?: string | undefined }[]): string[] {
  const seen = new Set<string>();
  for (const s of segments) if (s.speaker) seen.add(s.speaker);
  return [...seen];
}
