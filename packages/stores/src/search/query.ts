import { AppError } from "@mp4t/contracts";
import { stemmer } from "stemmer";

/** One condition of a query; a segment must meet every one. Tokens are lower-case, without diacritics. */
export type Clause = { kind: "term" | "prefix" | "phrase"; tokens: string[] };

export const MAX_QUERY_LENGTH = 200;
export const MAX_CLAUSES = 12;
const MAX_PHRASE_TOKENS = 12;
/** Results deeper than this are not paged to: refine the query instead (ranked offsets cost more the deeper they go). */
export const MAX_OFFSET = 1000;

/**
 * Words as SQLite's `unicode61` tokenizer sees them: runs of letters and digits, lower-cased,
 * diacritics removed. Every adapter uses this so their matches agree.
 */
export function tokenize(text: string): string[] {
  return (
    text
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** The Porter stem, as SQLite's `porter` tokenizer computes it. */
export const stem = (token: string) => stemmer(token);

const invalid = (message: string) => new AppError("VALIDATION_FAILED", message);

/**
 * Parses the search box: words (all required), `"quoted phrases"`, `prefix*` (two characters
 * at least). Nothing else is syntax: AND, OR, NEAR, `-` and `:` are searched as words or
 * ignored as punctuation, so no input reaches an adapter's own query language.
 */
export function parseQuery(q: string): Clause[] {
  if (q.length > MAX_QUERY_LENGTH) throw invalid(`a query has at most ${MAX_QUERY_LENGTH} characters`);
  const clauses: Clause[] = [];
  const words = (part: string) => {
    for (const raw of part.split(/\s+/u).filter(Boolean)) {
      const tokens = tokenize(raw);
      if (tokens.length === 0) continue;
      const isPrefix = raw.endsWith("*");
      for (const [i, t] of tokens.entries()) {
        // "don't*" is "don" and the prefix "t": a one-letter tail after other letters is taken as a word.
        const prefix = isPrefix && i === tokens.length - 1 && !(t.length < 2 && tokens.length > 1);
        if (prefix && t.length < 2) throw invalid(`a prefix search needs at least two characters before "*"`);
        clauses.push({ kind: prefix ? "prefix" : "term", tokens: [t] });
      }
    }
  };
  let rest = q;
  for (;;) {
    const open = rest.indexOf('"');
    const close = open < 0 ? -1 : rest.indexOf('"', open + 1);
    if (close < 0) break; // an unbalanced quote is punctuation
    words(rest.slice(0, open));
    const tokens = tokenize(rest.slice(open + 1, close));
    if (tokens.length > MAX_PHRASE_TOKENS) throw invalid(`a phrase has at most ${MAX_PHRASE_TOKENS} words`);
    if (tokens.length === 1) clauses.push({ kind: "term", tokens });
    else if (tokens.length > 1) clauses.push({ kind: "phrase", tokens });
    rest = rest.slice(close + 1);
  }
  words(rest);
  if (clauses.length === 0) throw invalid("the query has no words to search for");
  if (clauses.length > MAX_CLAUSES) throw invalid(`a query has at most ${MAX_CLAUSES} words and phrases`);
  return clauses;
}

/** Opaque page cursors: the offset into the ranked results. */
export const encodeCursor = (offset: number) => Buffer.from(`o${offset}`).toString("base64url");
export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const m = /^o(\d{1,7})$/.exec(Buffer.from(cursor, "base64url").toString());
  const offset = m ? Number(m[1]) : NaN;
  if (!(offset > 0 && offset <= MAX_OFFSET)) throw invalid("the cursor is not one this search returned");
  return offset;
}

/** Where a clause occurs in a text's stems (start positions); stems as the index compares them, prefixes included. */
export function occurrences(stems: string[], c: Clause): number[] {
  const want = c.kind === "prefix" ? c.tokens : c.tokens.map(stem);
  const at: number[] = [];
  for (let i = 0; i + want.length <= stems.length; i++) {
    if (want.every((w, k) => (c.kind === "prefix" ? stems[i + k]!.startsWith(w) : stems[i + k] === w))) at.push(i);
  }
  return at;
}

/** Positions (token indexes) in `tokens` where each clause matches; a phrase covers consecutive tokens. */
export function matchPositions(tokens: string[], clauses: Clause[]): { all: boolean; positions: Set<number> } {
  const stems = tokens.map(stem);
  const positions = new Set<number>();
  let all = true;
  for (const c of clauses) {
    const at = occurrences(stems, c);
    for (const i of at) for (let k = 0; k < c.tokens.length; k++) positions.add(i + k);
    all &&= at.length > 0;
  }
  return { all, positions };
}

/**
 * A snippet like SQLite's `snippet()`: up to `width` words of the text around the first match,
 * matches between `**`, an ellipsis where text was left out.
 */
export function makeSnippet(text: string, clauses: Clause[], width = 16): string {
  const words = text.split(/\s+/u).filter(Boolean);
  const tokensPerWord = words.map((w) => tokenize(w));
  const flat = tokensPerWord.flat();
  const { positions } = matchPositions(flat, clauses);
  const hit: boolean[] = [];
  let t = 0;
  for (const toks of tokensPerWord) {
    hit.push(toks.some((_, k) => positions.has(t + k)));
    t += toks.length;
  }
  const first = Math.max(0, hit.indexOf(true));
  const from = Math.max(0, Math.min(first - Math.floor(width / 4), words.length - width));
  const to = Math.min(words.length, from + width);
  const body = words
    .slice(from, to)
    .map((w, i) => (hit[from + i] ? `**${w}**` : w))
    .join(" ");
  return `${from > 0 ? "…" : ""}${body}${to < words.length ? "…" : ""}`;
}
