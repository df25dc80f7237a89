import type { EnhanceOption, Transcript } from "@mp4t/contracts";
import type { Paragraph } from "@mp4t/transcript";
import type { z } from "zod";

export type Enhancements = Transcript["enhancements"];
export type EnhanceOptionValue = z.infer<typeof EnhanceOption>;

export type EnhanceRequest = {
  /** The transcript's paragraphs as spoken (fillers and all). */
  paragraphs: Paragraph[];
  speakers: string[];
  /** The transcript's language, e.g. "en". */
  language: string;
  options: EnhanceOptionValue[];
  /** Aborted at the stage deadline or on shutdown. */
  signal: AbortSignal;
};

/** Writes the enhancements a job asked for: our own algorithms, or a model behind a provider. */
export interface EnhancementProvider {
  readonly name: string;
  /**
   * Options it cannot produce come back in `unsupported` (the job completes without them);
   * provider failures reject with RetryableError ENGINE_FAILED or PermanentError ENGINE_REJECTED.
   */
  enhance(req: EnhanceRequest): Promise<{ enhancements: Enhancements; unsupported: string[] }>;
}

export type ChatMessage = { role: "system" | "user"; content: string };

/** One model answer; `truncated` when it stopped at the token budget rather than by itself. */
export type ChatReply = { text: string; truncated: boolean };

/** A chat-completions model (OpenAI-compatible or Hugging Face): one request, one answer. */
export interface ChatModel {
  /** "openai:gpt-4o-mini", for logs and errors. */
  readonly name: string;
  complete(messages: ChatMessage[], opts: { maxTokens: number; signal: AbortSignal }): Promise<ChatReply>;
}
