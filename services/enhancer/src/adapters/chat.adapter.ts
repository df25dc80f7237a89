import { PermanentError } from "@mp4t/contracts";
import { formatClock } from "@mp4t/transcript";
import { groupsOf, halve, joinPieces, splitIntoPieces, type Piece } from "../enhancements/pieces.ts";
import { cleanPrompt, combinePrompt, condensePrompt, translatePrompt, type Condensing, type Part } from "../enhancements/prompts.ts";
import type { ChatModel, ChatReply, EnhancementProvider, Enhancements } from "../ports.ts";

export type ChatProviderOptions = {
  /** Transcript characters per request; longer texts are split on paragraph boundaries. */
  maxInputChars: number;
  /** Answer budget of a summary or notes request. */
  maxOutputTokens: number;
};

/** Between the condensed parts a combining request sees. */
const SEPARATOR = "\n\n----------\n\n";

/** A cut-off summary or notes answer ends at its last whole sentence or line, not mid-word. */
const completeText = (r: ChatReply) => (r.truncated ? r.text.replace(/[^\n.!?…]*$/u, "").trimEnd() || r.text : r.text);

/**
 * Enhancements written by a chat model. Requests go one at a time, in order (gentle on rate
 * limits; a failure stops the stage at once). Long transcripts are split into pieces under the
 * per-request limit: clean text and translations piece by piece, joined in order; summary and
 * notes by map-reduce (each piece condensed, then the condensed parts combined, in rounds,
 * until one remains). Every translation lands in `translations[<lang>]`.
 */
export function createChatProvider(model: ChatModel, opts: ChatProviderOptions): EnhancementProvider {
  return {
    name: model.name,
    async enhance({ paragraphs, speakers, language, options, signal }) {
      const said = paragraphs.filter((p) => p.text.trim().length > 0);
      const labelled = speakers.length > 1;
      const spoken = said.map((p) => (labelled && p.speaker ? `${p.speaker}: ${p.text}` : p.text));
      const timed = said.map((p, i) => `[${formatClock(p.start)}] ${spoken[i]}`);
      const ask = (system: string, text: string, maxTokens: number) =>
        model.complete(
          [
            { role: "system", content: system },
            { role: "user", content: text },
          ],
          { maxTokens, signal },
        );

      /** One piece rewritten; an answer cut off at its budget is redone as two halves. */
      async function rewritePiece(piece: Piece, prompt: string): Promise<string> {
        // Clean text is as long as its source and a translation may take more tokens: about twice the ~4 characters a token.
        const reply = await ask(prompt, piece.text, Math.max(opts.maxOutputTokens, Math.ceil(piece.text.length / 2)));
        if (!reply.truncated) return reply.text;
        const halves = halve(piece);
        if (!halves) throw new PermanentError("ENGINE_REJECTED", `${model.name} cut its answer off at the token budget on text it cannot split further`);
        return joinPieces([await rewritePiece(halves[0], prompt), await rewritePiece(halves[1], prompt)], halves);
      }

      async function rewrite(prompt: (part?: Part) => string): Promise<string> {
        if (spoken.length === 0) return "";
        const pieces = splitIntoPieces(spoken, opts.maxInputChars);
        const outputs: string[] = [];
        for (const [index, piece] of pieces.entries()) {
          outputs.push(await rewritePiece(piece, prompt(pieces.length > 1 ? { index, count: pieces.length } : undefined)));
        }
        return joinPieces(outputs, pieces);
      }

      async function condense(task: Condensing, texts: string[]): Promise<string> {
        if (texts.length === 0) return "";
        const pieces = splitIntoPieces(texts, opts.maxInputChars);
        const summarise = async (system: string, text: string) => completeText(await ask(system, text, opts.maxOutputTokens));
        if (pieces.length === 1) return summarise(condensePrompt(task, language), pieces[0]!.text);
        let parts: string[] = [];
        for (const [index, piece] of pieces.entries()) {
          parts.push(await summarise(condensePrompt(task, language, { index, count: pieces.length }), piece.text));
        }
        while (parts.length > 1) {
          const groups = groupsOf(parts, opts.maxInputChars, SEPARATOR);
          const final = groups.length === 1;
          const next: string[] = [];
          // A lone last part has nothing to combine with this round; it goes up as it is.
          for (const group of groups) next.push(group.length === 1 ? group[0]! : await summarise(combinePrompt(task, language, final), group.join(SEPARATOR)));
          parts = next;
        }
        return parts[0]!;
      }

      const wanted = new Set(options);
      const enhancements: Enhancements = {};
      if (wanted.has("clean")) enhancements.clean = await rewrite((part) => cleanPrompt(language, part));
      if (wanted.has("summary")) enhancements.summary = await condense("summary", spoken);
      if (wanted.has("notes")) enhancements.notes = await condense("notes", timed);
      for (const option of wanted) {
        if (!option.startsWith("translate:")) continue;
        const target = option.slice("translate:".length);
        (enhancements.translations ??= {})[target] = await rewrite((part) => translatePrompt(language, target, part));
      }
      return { enhancements, unsupported: [] };
    },
  };
}
