import { PermanentError, RetryableError } from "@mp4t/contracts";
import { malformedBody } from "@mp4t/runtime";
import { z } from "zod";
import type { ChatReply } from "../ports.ts";

/** The part of an OpenAI chat completion we read; Hugging Face's chat API answers the same shape. */
const ChatCompletion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1, "no choices"),
});

/** Reasoning models served by vLLM or TGI may put their thinking in the content; it is not the answer. */
const withoutThinking = (text: string) => text.replace(/^\s*<think>[\s\S]*?<\/think>/, "").trim();

/**
 * The answer text of a chat completion. A body of the wrong shape or an empty answer is
 * retryable ENGINE_FAILED (a glitch); a refusal or content filter, or an answer budget spent
 * before any text, is ENGINE_REJECTED: the same request would be refused again.
 */
export function replyOf(provider: string, raw: unknown): ChatReply {
  const parsed = ChatCompletion.safeParse(raw);
  if (!parsed.success) throw malformedBody(provider, z.prettifyError(parsed.error));
  const choice = parsed.data.choices[0]!;
  const finish = choice.finish_reason ?? "unknown";
  if (choice.message.refusal || finish === "content_filter") {
    throw new PermanentError("ENGINE_REJECTED", `${provider} refused the request (${choice.message.refusal ?? finish})`);
  }
  const text = withoutThinking(choice.message.content ?? "");
  if (text.length === 0) {
    if (finish === "length") {
      throw new PermanentError("ENGINE_REJECTED", `${provider} spent its whole answer budget before writing any text; raise ENHANCE_MAX_OUTPUT_TOKENS`);
    }
    throw new RetryableError("ENGINE_FAILED", `${provider} sent an empty completion (finish_reason ${finish})`);
  }
  return { text, truncated: finish === "length" };
}
