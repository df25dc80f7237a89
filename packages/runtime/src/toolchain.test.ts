import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DEFAULT_MEDIA_IDENTITY, DEFAULT_MEDIA_NICE, mediaEnv, mediaIdentity, mediaSpawnOptions } from "./toolchain.ts";

describe("media tools' spawn options", () => {
  const schema = z.object(mediaEnv);

  it("lower the tools' CPU priority by MEDIA_NICE, 10 unless set, 0 to keep the service's", () => {
    expect(DEFAULT_MEDIA_NICE).toBe(10);
    expect(mediaSpawnOptions(mediaIdentity(schema.parse({}))).nice).toBe(10);
    // An identity without a nice value (the adapters' default): MEDIA_NICE from the environment given.
    expect(mediaSpawnOptions(DEFAULT_MEDIA_IDENTITY, {}).nice).toBe(10);
    expect(mediaSpawnOptions(DEFAULT_MEDIA_IDENTITY, { MEDIA_NICE: "3" }).nice).toBe(3);
    expect(mediaSpawnOptions(DEFAULT_MEDIA_IDENTITY, { MEDIA_NICE: "-5" }).nice).toBe(10);
    expect(mediaSpawnOptions(mediaIdentity(schema.parse({ MEDIA_NICE: "0" }))).nice).toBe(0);
    expect(mediaSpawnOptions(mediaIdentity(schema.parse({ MEDIA_NICE: "19" }))).nice).toBe(19);
  });

  it("refuse a nice value that is negative (a higher priority), above 19 or not a whole number", () => {
    for (const MEDIA_NICE of ["-1", "20", "2.5", "low"]) expect(schema.safeParse({ MEDIA_NICE }).success).toBe(false);
  });

  it("give the tools PATH and a fixed locale only, and / as their directory", () => {
    const o = mediaSpawnOptions(DEFAULT_MEDIA_IDENTITY, { PATH: "/x/bin", JWT_SECRET: "s", NATS_PASSWORD: "p" });
    expect(o.env).toEqual({ PATH: "/x/bin", LC_ALL: "C" });
    expect(o.cwd).toBe("/");
  });
});
