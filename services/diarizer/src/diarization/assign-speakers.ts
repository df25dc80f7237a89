import type { Word } from "@mp4t/contracts";
import type { Turn } from "./diarize.ts";

export const speakerName = (n: number) => `Speaker ${n}`;

/**
 * Labels each word with the speaker whose turns overlap it most, or the nearest turn when the
 * VAD heard nothing there. Speakers are named "Speaker 1", "Speaker 2"... in order of first word.
 */
export function assignSpeakers(words: Word[], turns: Turn[]): Word[] {
  if (turns.length === 0) return words.map(({ speaker: _, ...w }) => w);
  const sorted = [...turns].sort((a, b) => a.start - b.start);
  const raw = words.map((w) => {
    const overlap = new Map<number, number>();
    for (const t of sorted) {
      if (t.start >= w.end) break;
      const o = Math.min(w.end, t.end) - Math.max(w.start, t.start);
      if (o > 0) overlap.set(t.speaker, (overlap.get(t.speaker) ?? 0) + o);
    }
    if (overlap.size > 0) return [...overlap].sort((a, b) => b[1] - a[1])[0]![0];
    const mid = (w.start + w.end) / 2;
    const gap = (t: Turn) => (mid < t.start ? t.start - mid : mid > t.end ? mid - t.end : 0);
    return sorted.reduce((best, t) => (gap(t) < gap(best) ? t : best)).speaker;
  });
  const names = new Map<number, string>();
  return words.map((w, i) => {
    if (!names.has(raw[i]!)) names.set(raw[i]!, speakerName(names.size + 1));
    return { ...w, speaker: names.get(raw[i]!)! };
  });
}

/** Names per-word speaker numbers "Speaker 1", "Speaker 2"... in order of first word. */
export function nameSpeakers(words: Word[], labels: number[]): Word[] {
  const names = new Map<number, string>();
  return words.map((w, i) => {
    const k = labels[i] ?? 0;
    if (!names.has(k)) names.set(k, speakerName(names.size + 1));
    return { ...w, speaker: names.get(k)! };
  });
}
