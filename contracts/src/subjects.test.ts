import { describe, expect, it } from "vitest";
import { FAIR_BUCKETS, STAGES, STAGE_LANES, Subjects, fairDurableName, userBucket } from "./subjects.ts";

describe("fair work subjects", () => {
  it("puts a user's work in one stable bucket, with the class as the last token", () => {
    const b = userBucket("01jd3f5h7k9m1p3r5t7v9x1z3b");
    expect(b).toBe(userBucket("01jd3f5h7k9m1p3r5t7v9x1z3b"));
    expect(Subjects.work("transcribe", "batch", "01jd3f5h7k9m1p3r5t7v9x1z3b")).toBe(`mp4t.v1.work.high.transcribe.b${b}.batch`);
  });

  it("spreads users over every bucket", () => {
    const seen = new Set(Array.from({ length: 200 }, (_, i) => userBucket(`user-${i}`)));
    expect(seen.size).toBe(FAIR_BUCKETS);
  });

  it("gives each stage, class and bucket its own consumer, bucket 0 also taking bucket-less subjects", () => {
    for (const stage of STAGES) {
      expect(Subjects.fairFilters(stage, "interactive", 0)).toEqual([
        `mp4t.v1.work.${STAGE_LANES[stage]}.${stage}.b0.interactive`,
        Subjects.work(stage, "interactive"),
      ]);
      expect(Subjects.fairFilters(stage, "batch", 3)).toEqual([`mp4t.v1.work.${STAGE_LANES[stage]}.${stage}.b3.batch`]);
    }
    const names = STAGES.flatMap((s) => ["interactive", "batch"].flatMap((c) => [0, 1].map((b) => fairDurableName(s, c as "batch", b))));
    expect(new Set(names).size).toBe(names.length);
  });
});
