import { describe, expect, it } from "vitest";
import { storesSecurityProblems } from "./store-security.ts";

const base = { JOB_STORE: "nats", BLOB_STORE: "nats", JETSTREAM_REPLICAS: 1 } as const;

describe("storesSecurityProblems", () => {
  it("accepts the embedded stores and production stores with real credentials", () => {
    expect(storesSecurityProblems(base)).toEqual([]);
    expect(
      storesSecurityProblems({
        ...base,
        BLOB_STORE: "s3",
        S3_ACCESS_KEY: "mp4t-prod-7Qx",
        S3_SECRET_KEY: "q8N2v0sLkP4rT6yW1zB3",
        JOB_STORE: "mongodb",
        MONGODB_URL: "mongodb://mp4t:Zr7%40kq2Lw9vXp@db:27017/mp4t",
      }),
    ).toEqual([]);
  });

  it("names the default MinIO keys, a short secret and an unauthenticated or weak MongoDB", () => {
    const p = storesSecurityProblems({
      ...base,
      BLOB_STORE: "s3",
      S3_ACCESS_KEY: "minioadmin",
      S3_SECRET_KEY: "minioadmin",
      JOB_STORE: "mongodb",
      MONGODB_URL: "mongodb://db:27017/mp4t",
    });
    expect(p.map((l) => l.split(":")[0])).toEqual(["S3_ACCESS_KEY", "S3_SECRET_KEY", "MONGODB_URL"]);
    expect(storesSecurityProblems({ ...base, BLOB_STORE: "s3", S3_ACCESS_KEY: "k".repeat(20), S3_SECRET_KEY: "short" })[0]).toMatch(/^S3_SECRET_KEY/);
    expect(storesSecurityProblems({ ...base, JOB_STORE: "mongodb", MONGODB_URL: "mongodb://root:example@db/x" })[0]).toMatch(/well-known or short password/);
  });
});
