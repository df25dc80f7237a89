import type { Word } from "@mp4t/contracts";

/** A speech-to-text engine. Word times are seconds from the start of the given WAV. */
export interface TranscriptionEngine {
  name: string;
  /** What it offers, from its configuration: advertised in GET /v1/capabilities. */
  capability: EngineTraits;
  /** BCP 47-style codes as jobs carry them: "en", "en-GB", "de". */
  supportsLanguage(lang: string): boolean;
  /**
   * Rejects with RetryableError ENGINE_FAILED when the engine fails; stops when `signal` aborts.
   * Settles only once nothing of it reads `wav.bytes` any more: the caller reuses them.
   */
  transcribe(wav: ChunkWav, opts: { language: string; signal: AbortSignal }): Promise<Word[]>;
}

/**
 * One chunk's WAV: its bytes (a chunk is at most CHUNK_MAX_SEC of 16 kHz mono, a few MB), which
 * an HTTP engine sends as they are, and `path()` for an engine that reads a file, written only
 * when one asks (see `chunk-wav.ts`). The bytes are a view of an array reused from chunk to chunk,
 * whose memory past the view holds earlier chunks (other users' audio): read the view only,
 * never its `buffer`, and never transfer it.
 */
export type ChunkWav = { bytes: Uint8Array; path(): Promise<string> };

/** An engine's advertised traits (contracts' EngineCapability without id and default). */
export type EngineTraits = { languages: string[]; wordTimestamps: boolean; speakers: boolean };
