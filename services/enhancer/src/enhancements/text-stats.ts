/** Common English function words: they carry no topic, so they never count as keywords. */
export const STOPWORDS = new Set(
  (
    "a about above after again against all also am an and any are as at be because been before being below between both but by " +
    "can could did do does doing done down during each even ever every few for from further get gets got had has have having he her " +
    "here hers herself him himself his how however i if in into is it its itself just let like made make many may me might more most " +
    "much must my myself no nor not now of off often on once one only or other our ours ourselves out over own per quite rather really " +
    "said same say says see seem she should since so some still such than that the their theirs them themselves then there these they " +
    "thing things this those though through thus to too two under until up upon us very was way we well were what when where whether " +
    "which while who whom whose why will with within without would yes yet you your yours yourself yourselves um uh er erm ah hmm okay " +
    "oh going know think mean want also s t don didn doesn isn wasn aren weren won wouldn couldn shouldn ll ve re d m"
  ).split(" "),
);

export const tokenize = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];

/** Words that can carry a topic: not stopwords, not numbers, at least three letters. */
export const contentWords = (text: string): string[] =>
  tokenize(text)
    .map((w) => w.replace(/'s$/, ""))
    .filter((w) => w.length > 2 && !STOPWORDS.has(w) && !/^\d+$/.test(w));

/**
 * TF-IDF-style weights over a set of sentences: how often a word occurs in the whole text, times
 * how few sentences it occurs in. A word said in every sentence explains none of them.
 */
export function keywordWeights(sentences: string[]): Map<string, number> {
  const tf = new Map<string, number>();
  const df = new Map<string, number>();
  for (const s of sentences) {
    const words = contentWords(s);
    for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
    for (const w of new Set(words)) df.set(w, (df.get(w) ?? 0) + 1);
  }
  const n = sentences.length;
  const weights = new Map<string, number>();
  for (const [w, f] of tf) weights.set(w, Math.log1p(f) * (Math.log((n + 1) / (df.get(w)! + 0.5)) + 1));
  return weights;
}

/** A sentence's weight: its distinct keywords' weights, damped so long sentences do not always win. */
export function sentenceScore(sentence: string, weights: Map<string, number>): number {
  const words = new Set(contentWords(sentence));
  let sum = 0;
  for (const w of words) sum += weights.get(w) ?? 0;
  return sum / Math.sqrt(words.size + 2);
}

/**
 * The most telling terms: single keywords, and two-word phrases said at least twice (which
 * replace their parts when they are as frequent).
 */
export function topTerms(sentences: string[], limit: number): string[] {
  const weights = keywordWeights(sentences);
  const phrases = new Map<string, number>();
  for (const s of sentences) {
    const words = tokenize(s);
    for (let i = 0; i + 1 < words.length; i++) {
      const [a, b] = [words[i]!, words[i + 1]!];
      if (weights.has(a) && weights.has(b)) phrases.set(`${a} ${b}`, (phrases.get(`${a} ${b}`) ?? 0) + 1);
    }
  }
  const scored: [string, number][] = [...weights].filter(([w]) => w.length > 3);
  for (const [p, count] of phrases) {
    if (count < 2) continue;
    const [a, b] = p.split(" ") as [string, string];
    scored.push([p, ((weights.get(a)! + weights.get(b)!) / 2) * 1.5]);
  }
  scored.sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
  const out: string[] = [];
  for (const [term] of scored) {
    if (out.some((t) => t.split(" ").includes(term) || term.split(" ").includes(t))) continue;
    out.push(term);
    if (out.length === limit) break;
  }
  return out;
}
