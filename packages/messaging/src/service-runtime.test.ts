import { describe, expect, it } from "vitest";
import { checkHandlerTable } from "./service-runtime.ts";

const noop = async () => {};

describe("checkHandlerTable", () => {
  it("accepts exactly the stages contracts give a service", () => {
    expect(checkHandlerTable("transcriber", { transcribe: noop })).toEqual(["transcribe"]);
  });
  it("fails start-up when a stage has no handler", () => {
    expect(() => checkHandlerTable("transcriber", {})).toThrow(/no handler for transcribe/);
  });
  it("fails start-up when a service handles another service's stage", () => {
    expect(() => checkHandlerTable("transcriber", { transcribe: noop, diarize: noop })).toThrow(/owned by other services: diarize/);
  });
});
