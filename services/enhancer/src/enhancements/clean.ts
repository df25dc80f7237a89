import { capitalize, endsSentence, fixFirstPerson } from "@mp4t/transcript";

/** Hesitations with no meaning of their own. ("like" and "you know" can carry meaning; they stay.) */
const FILLERS = new Set(["um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "eh", "hmm", "hm", "mm", "mhm"]);

const core = (token: string) => token.toLowerCase().replace(/^[^\p{L}\p{N}']+|[^\p{L}\p{N}']+$/gu, "");
const trailing = (token: string) => /[^\p{L}\p{N}']+$/u.exec(token)?.[0] ?? "";

/**
 * Readable text from a spoken paragraph: fillers dropped, stuttered repeats ("the the the")
 * collapsed, sentences re-cased. Punctuation a dropped word carried moves to the word before it.
 */
export function cleanParagraph(text: string): string {
  const out: string[] = [];
  for (const token of text.split(/\s+/).filter(Boolean)) {
    const word = core(token);
    const prev = out.at(-1);
    const punct = trailing(token);
    if (FILLERS.has(word) || (prev && word && core(prev) === word && !trailing(prev))) {
      if (FILLERS.has(word)) {
        if (prev && /[.!?]/.test(punct) && !endsSentence(prev)) out[out.length - 1] = `${prev.replace(/[,;:]+$/, "")}${punct.replace(/[,;:]/g, "")}`;
        continue;
      }
      out[out.length - 1] = token; // a repeat: keep the last, which carries the punctuation
      continue;
    }
    out.push(token);
  }
  return out.map((t, i) => (i === 0 || endsSentence(out[i - 1]!) ? capitalize(fixFirstPerson(t)) : fixFirstPerson(t))).join(" ");
}
