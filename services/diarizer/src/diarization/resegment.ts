import { createScorer, score, trainGmm, type GmmScorer } from "./gmm.ts";

/**
 * A stretch of frames [start, end) that takes one speaker as a whole: a word when the transcript
 * gives word times, else a short block of speech. `gapBefore`: seconds of pause since the last unit.
 */
export type Unit = { start: number; end: number; gapBefore: number };

export type ResegmentOptions = {
  /** Mixture components per speaker model. */
  components?: number;
  /** Weight of one frame's log-likelihood: frames 10 ms apart are far from independent. */
  frameWeight?: number;
  /** A pause at least this long (seconds) is where turns may change cheaply. */
  pauseSec?: number;
  /** Log-likelihood a speaker change costs at a pause. */
  pauseSwitchCost?: number;
  /** Log-likelihood a speaker change costs between units with no pause: mid-sentence, so it takes strong evidence. */
  switchCost?: number;
  /** Rounds of train-then-decode. */
  iterations?: number;
  /** A speaker left with less speech than this (frames) after a round is dropped and the rest re-decoded. */
  minSpeakerFrames?: number;
};

/** Per-unit, per-speaker sum of weighted frame log-likelihoods (units x speakers, row-major). */
function unitScores(
  frames: Float64Array[],
  units: Unit[],
  labels: Int32Array,
  speakers: number,
  opts: Required<ResegmentOptions>,
  train?: Uint8Array,
): Float64Array {
  // Loops, not callbacks: closures made here would be compiled again for each job (see mfcc.ts).
  const scorers: (GmmScorer | undefined)[] = [];
  for (let k = 0; k < speakers; k++) {
    const mine: Float64Array[] = [];
    for (let i = 0; i < units.length; i++) {
      const u = units[i]!;
      if (labels[i] === k) for (let f = u.start; f < u.end; f++) if (!train || train[f]) mine.push(frames[f]!);
    }
    scorers.push(mine.length > 0 ? createScorer(trainGmm(mine, opts.components, { seed: k + 1 })) : undefined);
  }
  const out = new Float64Array(units.length * speakers);
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    for (let f = u.start; f < u.end; f++) {
      const x = frames[f]!;
      for (let k = 0; k < speakers; k++) {
        const s = scorers[k];
        out[i * speakers + k] = out[i * speakers + k]! + opts.frameWeight * (s ? score(s, x) : -Infinity);
      }
    }
  }
  return out;
}

/**
 * Viterbi over units: each unit one speaker, a change into unit i costing `costs[i]` (less at a
 * pause than mid-phrase).
 */
export function viterbi(scores: Float64Array, units: Unit[], speakers: number, costs: ArrayLike<number>): Int32Array {
  const n = units.length;
  const back = new Int32Array(n * speakers);
  let prev = scores.slice(0, speakers);
  for (let i = 1; i < n; i++) {
    const c = costs[i]!;
    let bestK = 0;
    for (let k = 1; k < speakers; k++) if (prev[k]! > prev[bestK]!) bestK = k;
    const cur = new Float64Array(speakers);
    for (let k = 0; k < speakers; k++) {
      const stay = prev[k]!;
      const move = prev[bestK]! - c;
      const keep = stay >= move || bestK === k;
      cur[k] = (keep ? stay : move) + scores[i * speakers + k]!;
      back[i * speakers + k] = keep ? k : bestK;
    }
    prev = cur;
  }
  const path = new Int32Array(n);
  let k = 0;
  for (let j = 1; j < speakers; j++) if (prev[j]! > prev[k]!) k = j;
  for (let i = n - 1; i >= 0; i--) {
    path[i] = k;
    k = back[i * speakers + k]!;
  }
  return path;
}

const DEFAULTS: Required<ResegmentOptions> = {
  components: 16,
  frameWeight: 0.1,
  pauseSec: 0.3,
  pauseSwitchCost: 4,
  switchCost: 40,
  iterations: 2,
  minSpeakerFrames: 300,
};

/**
 * Viterbi resegmentation (as in LIUM SpkDiarization): a GMM per speaker trained on the frames
 * the clustering gave it, then every unit relabelled by the best path through the units, in
 * which a speaker change costs `pauseSwitchCost` at a pause and `switchCost` anywhere else. So
 * boundaries move to pauses, never fall inside a unit (a word), and a change with no pause is
 * kept only when the next speaker's models win by more than `switchCost` summed over the units
 * that follow: strong acoustic evidence. Units with label -1 (unclustered) are decoded freely.
 * `train`, when given, masks the frames the models learn from (every unit frame is still scored).
 * Returns a label per unit, speakers renumbered 0..k-1 by first appearance.
 */
export async function resegment(
  frames: Float64Array[],
  units: Unit[],
  initial: Int32Array,
  options: ResegmentOptions & { pause?: () => Promise<void>; train?: Uint8Array } = {},
): Promise<Int32Array> {
  const opts = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as Required<ResegmentOptions>;
  let labels: Int32Array<ArrayBufferLike> = Int32Array.from(initial);
  let speakers = labels.reduce((a, b) => Math.max(a, b), 0) + 1;
  if (speakers <= 1 || units.length === 0) return labels.fill(0);
  // What a change of speaker into each unit costs: numbers, not a callback (a closure made per job
  // is compiled again for each job; see mfcc.ts).
  const costs = new Float64Array(units.length);
  for (let i = 0; i < units.length; i++) costs[i] = units[i]!.gapBefore >= opts.pauseSec ? opts.pauseSwitchCost : opts.switchCost;
  for (let round = 0; round < opts.iterations + 1 && speakers > 1; round++) {
    const scores = unitScores(frames, units, labels, speakers, opts, options.train);
    await options.pause?.();
    labels = viterbi(scores, units, speakers, costs);
    // A speaker that kept almost nothing was a stray cluster: drop it and decode again.
    const mass = new Float64Array(speakers);
    for (let i = 0; i < units.length; i++) mass[labels[i]!] = mass[labels[i]!]! + units[i]!.end - units[i]!.start;
    const keep = [...mass.keys()].filter((k) => mass[k]! >= opts.minSpeakerFrames);
    if (keep.length === 0) return labels.fill(0);
    if (keep.length < speakers) {
      const map = new Map(keep.map((k, i) => [k, i]));
      labels = labels.map((k) => map.get(k) ?? -1);
      speakers = keep.length;
      round--; // the dropped speaker's units need another decode, which does not count as a round
      if (speakers <= 1) return labels.fill(0);
    }
  }
  const ids = new Map<number, number>();
  return labels.map((k) => {
    if (!ids.has(k)) ids.set(k, ids.size);
    return ids.get(k)!;
  });
}
