import { AppError, ERROR_CODES, RetryableError } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { isUnavailable, toHttpError } from "./to-http-error.ts";

const fastifyError = (code: string, statusCode: number, message = code) => Object.assign(new Error(message), { name: "FastifyError", code, statusCode });

describe("toHttpError", () => {
  it("uses an AppError's code and message", () => {
    expect(toHttpError(new AppError("EMAIL_TAKEN", "taken"))).toEqual({ status: 409, code: "EMAIL_TAKEN", message: "taken" });
  });

  it("turns schema validation failures into 400 VALIDATION_FAILED", () => {
    const err = Object.assign(fastifyError("FST_ERR_VALIDATION", 400, "body/email Invalid email"), { validation: [{}] });
    expect(toHttpError(err)).toMatchObject({ status: 400, code: "VALIDATION_FAILED", message: "body/email Invalid email" });
  });

  it("maps framework body errors to stable codes", () => {
    expect(toHttpError(fastifyError("FST_ERR_CTP_INVALID_JSON_BODY", 400))).toMatchObject({ status: 400, code: "INVALID_JSON" });
    expect(toHttpError(fastifyError("FST_ERR_CTP_INVALID_MEDIA_TYPE", 415))).toMatchObject({ status: 415, code: "UNSUPPORTED_CONTENT_TYPE" });
    expect(toHttpError(fastifyError("FST_INVALID_JSON_FIELD_ERROR", 406))).toMatchObject({ status: 400, code: "INVALID_JSON" });
    expect(toHttpError(fastifyError("FST_ERR_CTP_BODY_TOO_LARGE", 413))).toMatchObject({ status: 413, code: "VALIDATION_FAILED" });
  });

  it("keeps other client errors in the 4xx range", () => {
    expect(toHttpError(fastifyError("FST_JWT_NO_AUTHORIZATION_IN_HEADER", 401))).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    expect(toHttpError(fastifyError("FST_SOMETHING_NEW", 422))).toMatchObject({ status: 422, code: "VALIDATION_FAILED" });
  });

  it("reports an unreachable NATS as 503, also when wrapped", () => {
    const closed = Object.assign(new Error("closed"), { name: "ClosedConnectionError" });
    expect(isUnavailable(new Error("wrapped", { cause: closed }))).toBe(true);
    expect(toHttpError(closed)).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE" });
  });

  it("reports a full disk as 503 STORAGE_FULL without its path, raw or wrapped", () => {
    const enospc = Object.assign(new Error("ENOSPC: no space left on device, write '/data/uploads/x.bin'"), { code: "ENOSPC" });
    const expected = { status: 503, code: "STORAGE_FULL", message: ERROR_CODES.STORAGE_FULL };
    expect(toHttpError(enospc)).toEqual(expected);
    expect(toHttpError(new RetryableError("STORAGE_FULL", "the blob directory's disk is full (ENOSPC)", { cause: enospc }))).toEqual(expected);
    expect(toHttpError(Object.assign(new Error("quota"), { code: "EDQUOT" }))).toEqual(expected);
    expect(toHttpError(Object.assign(new Error("gone"), { code: "ENOENT" }))).toMatchObject({ status: 500, code: "INTERNAL" });
  });

  it("hides the message of anything unexpected behind 500 INTERNAL", () => {
    expect(toHttpError(new TypeError("x is undefined"))).toEqual({ status: 500, code: "INTERNAL", message: "An unexpected server error." });
    expect(toHttpError("a string")).toMatchObject({ status: 500, code: "INTERNAL" });
  });
});
