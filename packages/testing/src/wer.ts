/** Spoken-form rewrites so "Mr." in a reference and "mister" from an engine count as the same word. */
const REWRITES: Record<string, string> = { mr: "mister", mrs: "missus" };

/** Lower case, punctuation stripped (apostrophes inside words kept), abbreviations spelled out. */
export function normaliseWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s]+/gu, " ")
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ""))
    .filter((w) => w.length > 0)
    .map((w) => REWRITES[w] ?? w);
}

/**
 * Word error rate: word-level Levenshtein distance (substitutions + deletions + insertions)
 * divided by the number of reference words. An empty reference scores 0 for an empty
 * hypothesis and 1 otherwise, so the rate stays finite.
 */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const ref = normaliseWords(reference);
  const hyp = normaliseWords(hypothesis);
  if (ref.length === 0) return hyp.length === 0 ? 0 : 1;
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const row = [i];
    for (let j = 1; j <= hyp.length; j++) {
      const cost = ref[i - 1] === hyp[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  return prev[hyp.length]! / ref.length;
}
