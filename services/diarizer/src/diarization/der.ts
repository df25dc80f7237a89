export type LabelledSpan = { start: number; end: number; speaker: number | string };

/** Every one-to-one mapping of hypothesis labels onto reference labels (small label sets only). */
function* mappings(hyp: string[], ref: string[]): Generator<Map<string, string>> {
  if (hyp.length === 0) {
    yield new Map();
    return;
  }
  const [first, ...rest] = hyp;
  for (const target of [...ref, null]) {
    for (const m of mappings(rest, ref)) {
      if (target !== null && [...m.values()].includes(target)) continue;
      const next = new Map(m);
      if (target !== null) next.set(first!, target);
      yield next;
    }
  }
}

const labelAt = (spans: LabelledSpan[], t: number) => {
  const s = spans.find((x) => t >= x.start && t < x.end);
  return s ? String(s.speaker) : null;
};

/**
 * Diarization error rate: (missed speech + false alarm + speaker confusion) / reference speech
 * time, sampled every `stepSec`, under the label mapping that makes it smallest. A `collarSec`
 * around each reference boundary is not scored, as is customary, since boundaries are fuzzy.
 */
export function diarizationErrorRate(reference: LabelledSpan[], hypothesis: LabelledSpan[], opts: { stepSec?: number; collarSec?: number } = {}): number {
  const step = opts.stepSec ?? 0.01;
  const collar = opts.collarSec ?? 0;
  const end = Math.max(0, ...reference.map((s) => s.end), ...hypothesis.map((s) => s.end));
  const near = (t: number) => collar > 0 && reference.some((s) => Math.abs(t - s.start) < collar || Math.abs(t - s.end) < collar);
  const samples: { ref: string | null; hyp: string | null }[] = [];
  for (let t = step / 2; t < end; t += step) if (!near(t)) samples.push({ ref: labelAt(reference, t), hyp: labelAt(hypothesis, t) });
  const refSpeech = samples.filter((s) => s.ref !== null).length;
  if (refSpeech === 0) return samples.some((s) => s.hyp !== null) ? 1 : 0;
  const refLabels = [...new Set(samples.flatMap((s) => (s.ref ? [s.ref] : [])))];
  const hypLabels = [...new Set(samples.flatMap((s) => (s.hyp ? [s.hyp] : [])))];
  let best = Infinity;
  for (const map of mappings(hypLabels, refLabels)) {
    let errors = 0;
    for (const s of samples) {
      if (s.ref === null) errors += s.hyp !== null ? 1 : 0;
      else if (s.hyp === null || map.get(s.hyp) !== s.ref) errors += 1;
    }
    best = Math.min(best, errors);
  }
  return best / refSpeech;
}
