import { ERROR_CODES, type ErrorCode } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { HTTP_STATUS } from "./http-status.ts";

describe("HTTP_STATUS", () => {
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];

  it("maps every error code in contracts to an HTTP error status", () => {
    for (const code of codes) {
      expect(HTTP_STATUS[code], code).toBeGreaterThanOrEqual(400);
      expect(HTTP_STATUS[code], code).toBeLessThan(600);
    }
  });

  it("maps nothing that contracts does not define", () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...codes].sort());
  });

  it("keeps request errors in the 4xx range", () => {
    const request: ErrorCode[] = [
      "VALIDATION_FAILED",
      "INVALID_JSON",
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
      "FORBIDDEN",
      "NOT_FOUND",
      "EMAIL_TAKEN",
      "FILE_MISSING",
      "FILE_EMPTY",
      "FILE_TOO_LARGE",
      "UNSUPPORTED_CONTENT_TYPE",
      "TRANSCRIPT_NOT_READY",
    ];
    for (const code of request) expect(HTTP_STATUS[code], code).toBeLessThan(500);
    expect(HTTP_STATUS.SERVICE_UNAVAILABLE).toBe(503);
    expect(HTTP_STATUS.INTERNAL).toBe(500);
  });
});
