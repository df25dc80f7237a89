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

export type SnapOptions = {
  /** How far (seconds) from a change a pause is looked for. */
  windowSec?: number;
  /** The shortest pause (seconds) a change moves to. */
  minPauseSec?: number;
};

/**
 * Moves each change of speaker that falls inside continuous speech (the VAD bridges pauses
 * under 0.3 s, so a quick reply has no pause between the two turns) to the nearest pause of
 * `speech`, a frame mask with no gaps bridged, and leaves that pause out of both turns: the
 * previous speaker has stopped and the next one has not begun. With no pause near, the change
 * stays where the decoding put it.
 */
export function snapChanges(turns: Turn[], speech: Uint8Array, hopSec: number, opts: SnapOptions = {}): Turn[] {
  const window = Math.round((opts.windowSec ?? 0.3) / hopSec);
  const minPause = Math.max(1, Math.round((opts.minPauseSec ?? 0.05) / hopSec));
  const out = turns.map((t) => ({ ...t }));
  for (let i = 1; i < out.length; i++) {
    const [prev, cur] = [out[i - 1]!, out[i]!];
    if (prev.speaker === cur.speaker || cur.start - prev.end > hopSec) continue;
    const at = Math.round(cur.start / hopSec);
    // Pauses must leave both turns some speech.
    const from = Math.max(Math.round(prev.start / hopSec) + 1, at - window);
    const to = Math.min(Math.round(cur.end / hopSec) - 1, at + window);
    let best: { start: number; end: number } | undefined;
    const miss = (p: { start: number; end: number }) => Math.abs((p.start + p.end) / 2 - at);
    for (let f = from; f < to; ) {
      if (speech[f]) {
        f++;
        continue;
      }
      let g = f;
      while (g < to && !speech[g]) g++;
      if (g - f >= minPause && (!best || miss({ start: f, end: g }) < miss(best))) best = { start: f, end: g };
      f = g;
    }
    if (!best) continue;
    prev.end = Math.round(best.start * hopSec * 1000) / 1000;
    cur.start = Math.round(best.end * hopSec * 1000) / 1000;
  }
  return out;
}
