/** 16-bit samples can be read in place (an Int16Array view) only on a little-endian machine. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One planned chunk of the 16-bit mono PCM, in samples (end exclusive) and seconds. */
export type PlannedChunk = { index: number; startSample: number; endSample: number; startSec: number; endSec: number };

export type PlanOptions = {
  sampleRate: number;
  /** Samples per energy frame (20 ms at 16 kHz = 320). */
  frameSamples: number;
  /** No chunk is longer than this. */
  maxChunkSec: number;
  /** How far back from the limit to look for the quietest frame. */
  searchSec: number;
  /**
   * When set, chunks shrink towards the end: none is longer than half of what remains at its
   * start, down to this length. Chunks go to whichever transcriber slot is free, so the last
   * ones decide when the job finishes; short last chunks keep every slot busy to the end
   * instead of one slot finishing a full-length chunk alone.
   */
  minTailSec?: number;
};

/**
 * Streams RMS energy per frame so hours of audio never sit in memory: 4 h at 20 ms frames
 * is 720 000 numbers. Fed with `meterPush`, read with `meterFinish`.
 *
 * A record and functions of the module, not a closure per meter: V8 throws away optimised code
 * compiled against a closure's context once the context dies, so the loop below was compiled
 * again for every job (docs/architecture.md, "Eleventh pass").
 */
export type EnergyMeter = {
  frameSamples: number;
  energies: Float64Array;
  frames: number;
  sumSq: number;
  inFrame: number;
  samples: number;
  /** The low byte of a sample split across pushes, or -1. */
  carry: number;
};

export function createEnergyMeter(frameSamples: number): EnergyMeter {
  return { frameSamples, energies: new Float64Array(1024), frames: 0, sumSq: 0, inFrame: 0, samples: 0, carry: -1 };
}

function closeFrame(m: EnergyMeter): void {
  if (m.frames === m.energies.length) {
    const grown = new Float64Array(m.energies.length * 2);
    grown.set(m.energies);
    m.energies = grown;
  }
  m.energies[m.frames++] = Math.sqrt(m.sumSq / m.inFrame);
  m.sumSq = 0;
  m.inFrame = 0;
}

/** Squares of `k` more samples of the current frame; closes it when full (a span never crosses a frame's end). */
function addSquares(m: EnergyMeter, sq: number, k: number): void {
  m.sumSq += sq;
  m.inFrame += k;
  if (m.inFrame === m.frameSamples) closeFrame(m);
}

/**
 * Feeds little-endian signed 16-bit mono PCM; blocks may split a sample between calls. The hot
 * loop of ingest's analysis. Squares of 16-bit samples are integers, and a frame's sum of them
 * stays far below 2^53: exact in any order, so spans summed apart give the same RMS.
 */
export function meterPush(m: EnergyMeter, pcm: Uint8Array): void {
  let at = 0;
  const total = pcm.length;
  if (m.carry >= 0 && total > 0) {
    let v = m.carry | (pcm[0]! << 8);
    if (v >= 0x8000) v -= 0x10000;
    m.carry = -1;
    at = 1;
    m.samples++;
    addSquares(m, v * v, 1);
  }
  const count = (total - at) >> 1;
  // Read in place as 16-bit samples where the bytes are aligned (ingest's read-back blocks are).
  const s16 = LITTLE_ENDIAN && ((pcm.byteOffset + at) & 1) === 0 ? new Int16Array(pcm.buffer, pcm.byteOffset + at, count) : undefined;
  for (let i = 0; i < count; ) {
    const end = i + Math.min(m.frameSamples - m.inFrame, count - i);
    const take = end - i;
    let sq = 0;
    if (s16) {
      for (; i < end; i++) {
        const v = s16[i]!;
        sq += v * v;
      }
    } else {
      for (; i < end; i++) {
        let v = pcm[at + 2 * i]! | (pcm[at + 2 * i + 1]! << 8);
        if (v >= 0x8000) v -= 0x10000;
        sq += v * v;
      }
    }
    addSquares(m, sq, take);
  }
  m.samples += count;
  at += 2 * count;
  if (at < total) m.carry = pcm[at]!;
}

/** RMS energy per frame (the last frame may be partial), and the samples seen. */
export function meterFinish(m: EnergyMeter): { energies: Float64Array; samples: number } {
  if (m.inFrame > 0) closeFrame(m);
  return { energies: m.energies.slice(0, m.frames), samples: m.samples };
}

/**
 * Splits audio into chunks of at most `maxChunkSec`, cutting in the middle of the quietest
 * frame within the last `searchSec` before each limit, so words are rarely cut in half.
 * Ties go to the latest frame (longer chunks, fewer engine runs). With `minTailSec`, the limit
 * near the end is half of what remains (see PlanOptions). Always at least one chunk, even for
 * empty or silent audio.
 */
export function planChunks(energies: ArrayLike<number>, totalSamples: number, opts: PlanOptions): PlannedChunk[] {
  const { sampleRate, frameSamples } = opts;
  const maxSamples = Math.max(frameSamples, Math.floor(opts.maxChunkSec * sampleRate));
  const minTailSamples = opts.minTailSec === undefined ? maxSamples : Math.max(frameSamples, Math.floor(opts.minTailSec * sampleRate));
  const lengthLimit = (remaining: number) => Math.min(maxSamples, Math.max(minTailSamples, Math.ceil(remaining / 2)));
  const cuts: number[] = [0];
  let start = 0;
  for (let maxLen = lengthLimit(totalSamples); totalSamples - start > maxLen; maxLen = lengthLimit(totalSamples - start)) {
    const limit = start + maxLen;
    const from = Math.max(start + 1, limit - Math.min(Math.floor(opts.searchSec * sampleRate), Math.floor(maxLen / 2)));
    let cut = limit;
    let best = Infinity;
    // Frames lying wholly inside [from, limit].
    for (let f = Math.ceil(from / frameSamples); (f + 1) * frameSamples <= limit; f++) {
      const e = energies[f] ?? 0;
      if (e <= best) {
        best = e;
        cut = f * frameSamples + Math.floor(frameSamples / 2);
      }
    }
    cuts.push(cut);
    start = cut;
  }
  cuts.push(totalSamples);
  return cuts.slice(0, -1).map((s, index) => {
    const e = cuts[index + 1]!;
    return { index, startSample: s, endSample: e, startSec: s / sampleRate, endSec: e / sampleRate };
  });
}
