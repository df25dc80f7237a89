import type { Word } from "@mp4t/contracts";

export type SentenceOptions = {
  /** A pause at least this long (seconds) ends a sentence. */
  sentencePauseSec?: number;
};

const TERMINAL = /[.!?…]["')\]]*$/;
const SOFT = /[,;:–-]+$/;
const FIRST_PERSON = /^i('(m|ll|ve|d|s))?$/;

export const endsSentence = (token: string) => TERMINAL.test(token);

/** Upper-cases the first letter, leaving leading quotes and brackets alone. */
export function capitalize(token: string): string {
  return token.replace(/\p{L}/u, (c) => c.toUpperCase());
}

/** "i", "i'm", "i'll"... become "I", "I'm", "I'll". */
export const fixFirstPerson = (token: string) => (FIRST_PERSON.test(token) ? capitalize(token) : token);

/** Ends a sentence on `token`: keeps its own terminal mark, else replaces soft punctuation with a full stop. */
export const terminate = (token: string) => (endsSentence(token) ? token : `${token.replace(SOFT, "")}.`);

/**
 * Display form of each word: sentences are inferred from pauses and speaker changes (engines such
 * as PocketSphinx give lower-case words without punctuation), so each sentence starts with a
 * capital and ends with a full stop. Words that already carry punctuation keep it.
 */
export function formatWords(words: Word[], opts: SentenceOptions = {}): string[] {
  const pause = opts.sentencePauseSec ?? 0.6;
  const out: string[] = [];
  let startOfSentence = true;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    let token = fixFirstPerson(w.word.trim());
    if (startOfSentence) token = capitalize(token);
    const boundary = !next || next.speaker !== w.speaker || next.start - w.end >= pause;
    if (boundary) token = terminate(token);
    out.push(token);
    startOfSentence = endsSentence(token);
  }
  return out;
}

/** Splits punctuated text into sentences. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…]["')\]]*)\s+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
