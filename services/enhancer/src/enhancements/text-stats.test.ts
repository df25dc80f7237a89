import { describe, expect, it } from "vitest";
import { contentWords, keywordWeights, sentenceScore, tokenize, topTerms } from "./text-stats.ts";

describe("text statistics", () => {
  it("tokenizes and keeps only content words", () => {
    expect(tokenize("The cat's toy, 42 times!")).toEqual(["the", "cat's", "toy", "42", "times"]);
    expect(contentWords("The cat's toy, 42 times!")).toEqual(["cat", "toy", "times"]);
  });

  it("weights a rare repeated word above one said everywhere", () => {
    const sentences = ["Neurons fire in the brain.", "The brain learns.", "The brain sleeps.", "Neurons connect."];
    const w = keywordWeights(sentences);
    expect(w.get("neurons")!).toBeGreaterThan(w.get("learns")!);
    expect(sentenceScore("Neurons fire in the brain.", w)).toBeGreaterThan(sentenceScore("The brain sleeps.", w));
  });

  it("lists top terms with repeated phrases replacing their parts", () => {
    const sentences = ["Machine learning is everywhere.", "We study machine learning today.", "Gradient descent trains models.", "Models need data."];
    const terms = topTerms(sentences, 4);
    expect(terms).toContain("machine learning");
    expect(terms).not.toContain("machine");
    expect(terms.length).toBeLessThanOrEqual(4);
  });
});
