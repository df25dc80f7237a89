/**
 * Instructions for the chat models, one per task. They ask for the answer alone (no preamble),
 * in the transcript's language unless translating, and keep the speaker labels our paragraphs
 * carry, so a model's text drops into the transcript where the local algorithms' text would.
 */

/** "de" -> "German"; the code itself for anything Intl does not know. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

const ONLY = "Answer with that text only: no preamble, no comments.";
const LABELS = 'Keep the paragraph breaks, and keep a speaker label such as "Speaker 1:" at the start of a paragraph exactly as it is.';

export type Part = { index: number; count: number };
const partOf = (p: Part | undefined) => (p ? ` This is part ${p.index + 1} of ${p.count} of a longer transcript.` : "");

export const cleanPrompt = (language: string, part?: Part) =>
  `You edit transcripts of speech into clean, readable ${languageName(language)} text.${partOf(part)} ` +
  "Remove hesitations (um, uh), false starts and accidental repetitions; fix punctuation, capitalisation and obvious mishearings. " +
  `Do not summarise, shorten, add to or reorder what was said. ${LABELS} ${ONLY}`;

export const translatePrompt = (from: string, to: string, part?: Part) =>
  `You translate transcripts of speech from ${languageName(from)} into ${languageName(to)}.${partOf(part)} ` +
  "Translate everything, faithfully and fluently, leaving out hesitations such as um and uh. " +
  `${LABELS} ${ONLY}`;

export type Condensing = "summary" | "notes";

const TIMES = "Lines may start with the time a paragraph begins in square brackets, like [12:05].";

/** Condenses a transcript, or one part of it (the map step). */
export function condensePrompt(task: Condensing, language: string, part?: Part): string {
  const lang = languageName(language);
  if (task === "summary") {
    return part
      ? `You summarise transcripts of talks.${partOf(part)} Summarise this part in a few sentences of plain ${lang} prose, keeping each main point, in the order they come. ${ONLY}`
      : `You summarise transcripts of talks. Summarise this one in three to six sentences of plain ${lang} prose: what it is about and its main points, in the order they come. ${ONLY}`;
  }
  return (
    `You write lecture notes in Markdown, in ${lang}, from transcripts of talks.${partOf(part)} ${TIMES} ` +
    'Start with a "### Key terms" heading and a bullet list of the important terms. Then write one "### <topic> (<start time>)" section per topic, ' +
    `in the order discussed, each with bullet points of the key facts and ideas. ${ONLY}`
  );
}

/** Combines condensed parts, in order, into one (the reduce step); `final` when it yields the answer. */
export function combinePrompt(task: Condensing, language: string, final: boolean): string {
  const lang = languageName(language);
  if (task === "summary") {
    return (
      "You are given summaries of consecutive parts of one talk, in order, separated by lines of dashes. " +
      (final
        ? `Combine them into one summary of the whole talk in three to six sentences of plain ${lang} prose: what it is about and its main points, in order. `
        : `Combine them into one summary of this stretch of the talk in a few sentences of plain ${lang} prose, keeping each main point, in order. `) +
      ONLY
    );
  }
  return (
    "You are given lecture notes for consecutive parts of one talk, in order, separated by lines of dashes. " +
    `Merge them into one set of Markdown notes in ${lang}: a single "### Key terms" list first (without duplicates), ` +
    "then the topic sections in order, merging two only where one continues the other's topic; keep the times in the headings " +
    `and ${final ? "every key point that matters for the talk as a whole" : "every key point"}. ${ONLY}`
  );
}
