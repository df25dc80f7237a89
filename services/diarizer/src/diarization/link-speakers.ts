import type { ChunkResult, Word } from "@mp4t/contracts";
import { speakerName } from "./assign-speakers.ts";
import { bicCluster, pool } from "./bic-clustering.ts";
import { extractFeatures } from "./diarize.ts";
import { cepstralMean } from "./embeddings.ts";
import { segmentModels, type SpeechSegment } from "./segments.ts";
import { detectSpeech } from "./vad.ts";
import type { Audio } from "./wav.ts";

/** True when the engine labelled speakers itself (e.g. OpenAI's diarized transcription). */
export const hasProviderSpeakers = (results: ChunkResult[]) => results.some((r) => r.words.some((w) => w.speaker !== undefined));

/** The chunk-qualified provider label of a word: provider labels ("A", "B") mean nothing across requests. */
export const qualify = (results: ChunkResult[]): ChunkResult[] =>
  results.map((r) => ({ ...r, words: r.words.map((w) => (w.speaker === undefined ? w : { ...w, speaker: `${r.index}/${w.speaker}` })) }));

/**
 * Uses the provider's speakers instead of our own segmentation. A provider labels speakers per
 * request, so "A" in chunk 3 need not be "A" in chunk 4: each (chunk, label) group gets one
 * Gaussian over the cepstra of its words, and BIC clustering links the groups across chunks,
 * never joining two groups of one chunk (the provider heard them as different people). Words
 * the provider left unlabelled take the nearest labelled word's speaker.
 * Returns the words with speakers named "Speaker 1", "Speaker 2"... by first appearance.
 */
export async function linkProviderSpeakers(
  audio: Audio,
  words: Word[],
  opts: { speakers?: number; maxSpeakers?: number; yield?: () => Promise<void> } = {},
): Promise<Word[]> {
  const pause = opts.yield ?? (() => new Promise<void>((r) => setImmediate(r)));
  const keys = [...new Set(words.flatMap((w) => (w.speaker === undefined ? [] : [w.speaker])))];
  let linked = new Map(keys.map((k, i) => [k, i]));
  if (new Set(keys.map((k) => k.split("/")[0])).size > 1) {
    const f = await extractFeatures(audio, pause);
    const cmn = cepstralMean(f.mfcc, detectSpeech(f.logEnergy, f.hopSec));
    const models = keys.map((key) => {
      const spans = words
        .filter((w) => w.speaker === key)
        .map((w) => ({ start: Math.floor(w.start / f.hopSec), end: Math.min(f.frames, Math.ceil(w.end / f.hopSec)) }))
        .filter((s) => s.end > s.start);
      return spans.length === 0 ? null : segmentModels(f.mfcc, spans, cmn).reduce((a: SpeechSegment, b) => pool(a, b));
    });
    const present = keys.flatMap((_, i) => (models[i] ? [i] : []));
    const labels = bicCluster(
      present.map((i) => models[i]!),
      {
        groups: present.map((i) => keys[i]!.split("/")[0]!),
        ...(opts.speakers ? { speakers: opts.speakers } : {}),
        ...(opts.maxSpeakers ? { maxSpeakers: opts.maxSpeakers } : {}),
      },
    );
    linked = new Map(present.map((i, j) => [keys[i]!, labels[j]!]));
  }
  const names = new Map<number, string>();
  const labelled = words.map((w) => (w.speaker !== undefined && linked.has(w.speaker) ? linked.get(w.speaker)! : undefined));
  return words.map((w, i) => {
    let id = labelled[i];
    for (let d = 1; id === undefined && d < words.length; d++) id = labelled[i - d] ?? labelled[i + d];
    if (id === undefined) return (({ speaker: _, ...rest }) => rest)(w);
    if (!names.has(id)) names.set(id, speakerName(names.size + 1));
    return { ...w, speaker: names.get(id)! };
  });
}
