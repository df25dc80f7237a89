import { PermanentError, RetryableError } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { jobFailure } from "./job-failure.ts";

describe("jobFailure: what a failed job says", () => {
  it("keeps our own messages for the user's mistakes", () => {
    const err = new PermanentError("MEDIA_UNREADABLE", "the file looks truncated", { cause: new Error("moov atom not found @ 0x55d1") });
    expect(jobFailure(err, "ingest")).toEqual({ code: "MEDIA_UNREADABLE", message: "the file looks truncated" });
  });

  it("replaces tool and provider text with a sentence of ours", () => {
    const provider = new PermanentError("ENGINE_REJECTED", "openai answered 401: Incorrect API key provided: sk-abc");
    expect(jobFailure(provider, "transcribe").message).toBe(
      "The transcription engine refused the request (the deployment's credentials, model or size limits); an operator can see why in the logs.",
    );
    expect(jobFailure(new RetryableError("INTERNAL", "cannot run /usr/bin/ffmpeg: EACCES"), "ingest").message).toBe(
      "An internal error stopped the media preparation stage; an operator can see why in the logs.",
    );
    const last = new RetryableError("ENGINE_FAILED", "openai-chat answered 500: upstream exploded");
    const exhausted = new PermanentError("RETRIES_EXHAUSTED", `enhance failed 5 times; last error ENGINE_FAILED: ${last.message}`, { cause: last });
    expect(jobFailure(exhausted, "enhance")).toEqual({
      code: "RETRIES_EXHAUSTED",
      message: "The enhancement provider failed on this recording, and kept failing after every retry.",
    });
  });
});
