import { describe, expect, it } from "vitest";
import { replyOf } from "./chat-completion.ts";

const answer = (content: string | null, finish_reason: string | null = "stop", extra: Record<string, unknown> = {}) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  choices: [{ index: 0, message: { role: "assistant", content, ...extra }, finish_reason }],
});

describe("replyOf", () => {
  it("reads the first choice's text, trimmed, and whether the token budget cut it off", () => {
    expect(replyOf("m", answer("  Hello.\n"))).toEqual({ text: "Hello.", truncated: false });
    expect(replyOf("m", answer("Hello, and", "length"))).toEqual({ text: "Hello, and", truncated: true });
  });

  it("drops a reasoning model's <think> block", () => {
    expect(replyOf("m", answer("<think>\nthe user wants a summary\n</think>\n\nThe summary."))).toEqual({ text: "The summary.", truncated: false });
  });

  it("calls a body of the wrong shape malformed, and an empty answer a retryable failure", () => {
    expect(() => replyOf("openai:m", { choices: [] })).toThrow(
      expect.objectContaining({
        name: "RetryableError",
        code: "ENGINE_FAILED",
        message: expect.stringMatching(/openai:m sent a malformed response.*no choices/s),
      }),
    );
    expect(() => replyOf("m", "<html>bad gateway</html>")).toThrow(
      expect.objectContaining({ code: "ENGINE_FAILED", message: expect.stringMatching(/malformed/) }),
    );
    expect(() => replyOf("m", answer(null))).toThrow(
      expect.objectContaining({ name: "RetryableError", code: "ENGINE_FAILED", message: expect.stringMatching(/empty completion \(finish_reason stop\)/) }),
    );
    expect(() => replyOf("m", answer("<think>only thinking</think>"))).toThrow(expect.objectContaining({ code: "ENGINE_FAILED" }));
  });

  it("rejects for good a refusal, a content filter, and a budget spent before any text", () => {
    expect(() => replyOf("m", answer(null, "stop", { refusal: "I can't help with that." }))).toThrow(
      expect.objectContaining({ name: "PermanentError", code: "ENGINE_REJECTED", message: expect.stringMatching(/can't help/) }),
    );
    expect(() => replyOf("m", answer("", "content_filter"))).toThrow(expect.objectContaining({ name: "PermanentError", code: "ENGINE_REJECTED" }));
    expect(() => replyOf("m", answer("", "length"))).toThrow(
      expect.objectContaining({ name: "PermanentError", code: "ENGINE_REJECTED", message: expect.stringMatching(/ENHANCE_MAX_OUTPUT_TOKENS/) }),
    );
  });
});
