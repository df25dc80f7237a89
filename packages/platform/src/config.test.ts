import { z } from "zod";
import { describe, expect, it } from "vitest";
import { ConfigError, baseEnv, loadConfig, workerEnv } from "./config.ts";

describe("loadConfig", () => {
  const schema = z.object({ ...baseEnv, ...workerEnv });

  it("applies documented defaults", () => {
    const c = loadConfig("t", schema, {});
    expect(c).toMatchObject({ NATS_URL: "nats://127.0.0.1:14222", STAGE_DEADLINE_SEC: 1800, LOG_PRETTY: false });
    expect(c.WORKER_CONCURRENCY).toBeUndefined(); // unset: the profile decides
  });

  it("lists every invalid variable at once", () => {
    try {
      loadConfig("t", schema, { WORKER_CONCURRENCY: "lots", ACK_WAIT_SEC: "1", LOG_LEVEL: "loud" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const issues = (err as ConfigError).issues.map((i) => i.split(":")[0]).sort();
      expect(issues).toEqual(["ACK_WAIT_SEC", "LOG_LEVEL", "WORKER_CONCURRENCY"]);
    }
  });
});
