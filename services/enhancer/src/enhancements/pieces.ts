import { splitSentences } from "@mp4t/transcript";

/**
 * A run of transcript small enough for one model request. `continues`: it starts inside the
 * paragraph the previous piece ended in (a paragraph longer than the limit was cut).
 */
export type Piece = { text: string; continues: boolean };

type Unit = { text: string; paragraph: number };

/** Runs of `parts` joined by `sep`, each at most `limit` characters (a part longer than that stands alone). */
function pack(parts: string[], limit: number, sep: string): string[] {
  const out: string[] = [];
  for (const part of parts) {
    const last = out.at(-1);
    if (last !== undefined && last.length + sep.length + part.length <= limit) out[out.length - 1] = `${last}${sep}${part}`;
    else out.push(part);
  }
  return out;
}

/** A paragraph as units of at most `limit` characters: whole; else its sentences; else words; else hard cuts. */
function unitsOf(text: string, paragraph: number, limit: number): Unit[] {
  if (text.length <= limit) return [{ text, paragraph }];
  const sentences = splitSentences(text).flatMap((s) => {
    if (s.length <= limit) return [s];
    const words = s
      .split(/\s+/)
      .flatMap((w) => (w.length <= limit ? [w] : Array.from({ length: Math.ceil(w.length / limit) }, (_, i) => w.slice(i * limit, (i + 1) * limit))));
    return pack(words, limit, " ");
  });
  return pack(sentences, limit, " ").map((t) => ({ text: t, paragraph }));
}

/**
 * Splits paragraphs into pieces of at most `limit` characters, in order, cutting between
 * paragraphs where it can: a model keeps a paragraph's sense best when it sees all of it.
 */
export function splitIntoPieces(paragraphs: string[], limit: number): Piece[] {
  const units = paragraphs.flatMap((p, i) => (p.trim() ? unitsOf(p.trim(), i, limit) : []));
  const pieces: (Piece & { last: number })[] = [];
  for (const u of units) {
    const cur = pieces.at(-1);
    const sep = cur && cur.last === u.paragraph ? " " : "\n\n";
    if (cur && cur.text.length + sep.length + u.text.length <= limit) {
      cur.text += sep + u.text;
      cur.last = u.paragraph;
    } else {
      pieces.push({ text: u.text, continues: cur?.last === u.paragraph, last: u.paragraph });
    }
  }
  return pieces.map(({ text, continues }) => ({ text, continues }));
}

/** The rewritten pieces as one text, with paragraph breaks where the source had them. */
export const joinPieces = (outputs: string[], pieces: Piece[]): string =>
  outputs.reduce((all, out, i) => (i === 0 ? out : `${all}${pieces[i]!.continues ? " " : "\n\n"}${out}`), "");

/**
 * A piece in two near its middle: at a paragraph break if it has one, else between sentences,
 * else between words; null when it is a single word. Used when a model's answer was cut off.
 */
export function halve(piece: Piece): [Piece, Piece] | null {
  const text = piece.text;
  for (const boundary of [/\n\n+/g, /(?<=[.!?…]["')\]]*)\s+/gu, /\s+/g]) {
    const cuts = [...text.matchAll(boundary)].filter((m) => m.index > 0 && m.index + m[0].length < text.length);
    if (cuts.length === 0) continue;
    const mid = cuts.reduce((best, m) => (Math.abs(m.index - text.length / 2) < Math.abs(best.index - text.length / 2) ? m : best));
    return [
      { text: text.slice(0, mid.index), continues: piece.continues },
      { text: text.slice(mid.index + mid[0].length), continues: !mid[0].includes("\n\n") },
    ];
  }
  return null;
}

/**
 * Consecutive items grouped to fit `limit` characters with `sep` between them, at least two to a
 * group (only the last may be alone): each reduce round then about halves the count, so
 * map-reduce always ends. The config keeps two answers within the limit.
 */
export function groupsOf(items: string[], limit: number, sep: string): string[][] {
  const out: string[][] = [];
  let size = 0;
  for (const item of items) {
    const cur = out.at(-1);
    if (cur && (cur.length < 2 || size + sep.length + item.length <= limit)) {
      cur.push(item);
      size += sep.length + item.length;
    } else {
      out.push([item]);
      size = item.length;
    }
  }
  return out;
}
