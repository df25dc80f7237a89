import { powerSpectrum } from "../src/diarization/fft.ts";
import { dctMatrix, melFilterbank } from "../src/diarization/mfcc.ts";

/**
 * MFCCs as plainly as they can be written, for the tests to hold the WebAssembly kernel
 * (src/diarization/mfcc.wasm) to: pre-emphasis (0.97) and a Hamming window over 25 ms every 10 ms,
 * the power spectrum of the TypeScript FFT (fft.ts, itself checked against a DFT), 26 mel
 * filters as whole rows, the log, the DCT as whole rows; and each frame's log energy.
 */
export function referenceMfcc(samples: Float32Array, sampleRate: number, coefficients = 13): { mfcc: Float64Array[]; logEnergy: Float64Array } {
  const frameLen = Math.round(0.025 * sampleRate);
  const hop = Math.round(0.01 * sampleRate);
  const n = 2 ** Math.ceil(Math.log2(frameLen));
  const filters = melFilterbank(26, n, sampleRate);
  const dct = dctMatrix(coefficients, filters.length);
  const window = Float64Array.from({ length: frameLen }, (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (frameLen - 1)));
  const frames = samples.length < frameLen ? 0 : 1 + Math.floor((samples.length - frameLen) / hop);
  const mfcc: Float64Array[] = [];
  const logEnergy = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    const at = f * hop;
    const frame = new Float64Array(frameLen);
    let energy = 0;
    for (let i = 0; i < frameLen; i++) {
      const v = samples[at + i]!;
      const before = at + i > 0 ? samples[at + i - 1]! : 0;
      frame[i] = (v - 0.97 * before) * window[i]!;
      energy += v * v;
    }
    const power = powerSpectrum(frame, n);
    const logMel = filters.map((row) =>
      Math.log(
        Math.max(
          row.reduce((s, w, k) => s + w * power[k]!, 0),
          1e-10,
        ),
      ),
    );
    mfcc.push(Float64Array.from(dct, (row) => row.reduce((s, w, m) => s + w * logMel[m]!, 0)));
    logEnergy[f] = Math.log(energy / frameLen + 1e-10);
  }
  return { mfcc, logEnergy };
}
