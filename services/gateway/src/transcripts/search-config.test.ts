import { describe, expect, it } from "vitest";
import { configSchema } from "../config.ts";

describe("gateway config: search", () => {
  it("defaults to the embedded index under DATA_DIR, and wants the MongoDB job store for the mongodb index", () => {
    expect(configSchema.parse({})).toMatchObject({ DATA_DIR: "data" });
    expect(configSchema.parse({}).SEARCH_INDEX).toBeUndefined(); // chosen from JOB_STORE at start
    expect(configSchema.safeParse({ SEARCH_INDEX: "mongodb" }).success).toBe(false);
    expect(configSchema.safeParse({ SEARCH_INDEX: "mongodb", JOB_STORE: "mongodb", MONGODB_URL: "mongodb://db/mp4t" }).success).toBe(true);
    expect(configSchema.safeParse({ SEARCH_INDEX: "lucene" }).success).toBe(false);
  });
});
