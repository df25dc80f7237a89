import { describe, expect, it } from "vitest";
import { resegment, viterbi, type Unit } from "./resegment.ts";

/** Units of 20 frames; `pauses` lists the units that follow a pause. */
const unitsOf = (n: number, pauses: number[] = []): Unit[] =>
  Array.from({ length: n }, (_, i) => ({ start: i * 20, end: (i + 1) * 20, gapBefore: pauses.includes(i) ? 0.5 : 0.02 }));
/** The switch cost into each unit: 2 after a pause, 20 mid-phrase. */
const costsOf = (units: Unit[]) => Float64Array.from(units, (u) => (u.gapBefore >= 0.3 ? 2 : 20));

/** Scores where speaker 1 is favoured by `margin` on the listed units, speaker 0 elsewhere. */
function scores(n: number, ones: number[], margin: number): Float64Array {
  const s = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) s[i * 2 + (ones.includes(i) ? 1 : 0)] = margin;
  return s;
}

describe("Viterbi over units", () => {
  it("keeps a weakly different unit inside a phrase with the speaker around it", () => {
    expect([...viterbi(scores(10, [5], 5), unitsOf(10), 2, costsOf(unitsOf(10)))]).toEqual(new Array(10).fill(0));
  });

  it("changes speaker mid-phrase only on strong evidence", () => {
    const path = viterbi(scores(10, [5, 6, 7, 8, 9], 10), unitsOf(10), 2, costsOf(unitsOf(10)));
    expect([...path]).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it("moves a change to the pause next to it", () => {
    // Evidence for speaker 1 starts one unit before the pause at unit 6, weakly.
    const s = scores(10, [5, 6, 7, 8, 9], 3);
    expect([...viterbi(s, unitsOf(10, [6]), 2, costsOf(unitsOf(10, [6])))]).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  });
});

describe("resegment", () => {
  it("relabels units by voice models, never splitting a unit, and drops a stray speaker", async () => {
    // Two 'voices' of 2-D features; the initial labels have errors and a stray third label.
    let seed = 3;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5;
    const units = unitsOf(40, [10, 20, 30]);
    const voice = (u: number) => Math.floor(u / 10) % 2;
    const frames = Array.from({ length: 800 }, (_, f) => Float64Array.from([voice(Math.floor(f / 20)) * 3 + rand(), rand()]));
    const initial = Int32Array.from({ length: 40 }, (_, u) => (u === 3 ? 1 : u === 25 ? 2 : voice(u)));
    const labels = await resegment(frames, units, initial, { components: 2, minSpeakerFrames: 60 });
    expect([...labels]).toEqual(Array.from({ length: 40 }, (_, u) => voice(u)));
  });

  it("trains the voice models only on the frames of `train`", async () => {
    // Units 30-39 are an odd sound (far from both voices) labelled speaker 1. Trained on them,
    // speaker 1's model covers them and keeps them; outside `train`, they go to the nearer model.
    let seed = 5;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5;
    const units = unitsOf(40, [10, 20, 30]);
    const centre = (u: number) => (u < 10 ? 0 : u < 30 ? 3 : -6);
    const frames = Array.from({ length: 800 }, (_, f) => Float64Array.from([centre(Math.floor(f / 20)) + rand(), rand()]));
    const initial = Int32Array.from({ length: 40 }, (_, u) => (u < 10 ? 0 : 1));
    const train = Uint8Array.from({ length: 800 }, (_, f) => (f < 600 ? 1 : 0));
    const opts = { components: 2, minSpeakerFrames: 60 };
    const unmasked = await resegment(frames, units, initial, opts);
    expect([...unmasked]).toEqual([...initial]);
    const masked = await resegment(frames, units, initial, { ...opts, train });
    expect([...masked]).toEqual(Array.from({ length: 40 }, (_, u) => (u < 10 || u >= 30 ? 0 : 1)));
  });
});
