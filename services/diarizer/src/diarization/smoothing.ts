import type { Turn } from "./diarize.ts";

export type SmoothingOptions = {
  /** Turns shorter than this (seconds) inside another speaker's speech are taken as that speaker's. */
  minTurnSec?: number;
  /** "Inside": the pauses on both sides of the short turn are at most this long (seconds). */
  maxGapSec?: number;
  /** Turns of one speaker this close (seconds) are joined into one; pauses longer than this stay out of every turn. */
  joinGapSec?: number;
};

/**
 * Minimum-duration smoothing of a labelled timeline: a speaker change that lasts less than
 * `minTurnSec`, runs on without a pause from the speech before it into the speech after it, and
 * returns to the same speaker is far more often a clustering slip (a breath, a laugh, a short
 * piece modelled badly) than a real interjection, so it is given to the speaker around it. Real
 * short turns ("yes", "two") are usually set off by pauses, so they stay. Turns of one speaker
 * that (nearly) touch become one. Speakers that no
 * longer appear are dropped and the rest renumbered by first appearance.
 */
export function smoothTurns(turns: Turn[], opts: SmoothingOptions = {}): Turn[] {
  const minTurn = opts.minTurnSec ?? 1;
  const maxGap = opts.maxGapSec ?? 0.25;
  const joinGap = opts.joinGapSec ?? 0.05;
  const out = turns.map((t) => ({ ...t }));
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 1; i + 1 < out.length; i++) {
      const [prev, cur, next] = [out[i - 1]!, out[i]!, out[i + 1]!];
      const inside = cur.start - prev.end <= maxGap && next.start - cur.end <= maxGap;
      if (inside && cur.end - cur.start < minTurn && prev.speaker === next.speaker && cur.speaker !== prev.speaker) {
        cur.speaker = prev.speaker;
        changed = true;
      }
    }
  }
  const joined: Turn[] = [];
  for (const t of out) {
    const last = joined.at(-1);
    if (last && last.speaker === t.speaker && t.start - last.end <= joinGap) last.end = Math.max(last.end, t.end);
    else joined.push({ ...t });
  }
  const ids = new Map<number, number>();
  return joined.map((t) => {
    if (!ids.has(t.speaker)) ids.set(t.speaker, ids.size);
    return { ...t, speaker: ids.get(t.speaker)! };
  });
}
