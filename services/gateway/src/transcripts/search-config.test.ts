import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { configSchema } from "../config.ts";

/** JWT_SECRET is required in every profile: a random one, so only the search settings decide. */
const base = { JWT_SECRET: randomBytes(36).toString("base64url") };

describe("gateway config: search", () => {
  it("defaults to the embedded index under DATA_DIR, and wants the MongoDB job store for the mongodb index", () => {
    expect(configSchema.parse(base)).toMatchObject({ DATA_DIR: "data" });
    expect(configSchema.parse(base).SEARCH_INDEX).toBeUndefined(); // chosen from JOB_STORE at start
    const alone = configSchema.safeParse({ ...base, SEARCH_INDEX: "mongodb" });
    expect(alone.success).toBe(false);
    expect(alone.error?.issues.map((i) => i.path.join("."))).toEqual(["SEARCH_INDEX"]);
    expect(configSchema.safeParse({ ...base, SEARCH_INDEX: "mongodb", JOB_STORE: "mongodb", MONGODB_URL: "mongodb://db/mp4t" }).success).toBe(true);
    const unknown = configSchema.safeParse({ ...base, SEARCH_INDEX: "lucene" });
    expect(unknown.error?.issues.map((i) => i.path.join("."))).toEqual(["SEARCH_INDEX"]);
  });
});
