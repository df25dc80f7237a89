import { describe, expect, it } from "vitest";
import { cleanParagraph } from "./clean.ts";

describe("cleanParagraph", () => {
  it("drops fillers and re-cases the sentence they opened", () => {
    expect(cleanParagraph("Um, so we started. Uh the results were good.")).toBe("So we started. The results were good.");
  });

  it("collapses stuttered repeats but keeps punctuated ones", () => {
    expect(cleanParagraph("The the the cat sat. I, I think so.")).toBe("The cat sat. I, I think so.");
  });

  it("keeps the full stop a dropped filler carried", () => {
    expect(cleanParagraph("And then we left um. Next day it rained.")).toBe("And then we left. Next day it rained.");
  });

  it("capitalises i and leaves clean text alone", () => {
    expect(cleanParagraph("i know what i'm doing.")).toBe("I know what I'm doing.");
    expect(cleanParagraph("Nothing to change here.")).toBe("Nothing to change here.");
  });
});
