import { z } from "zod";
import { describe, expect, it } from "vitest";
import { ConfigError, baseEnv, loadConfig, providerEnv, workerEnv, workerSettings } from "./config.ts";

describe("loadConfig", () => {
  const schema = z.object({ ...baseEnv, ...workerEnv });

  it("applies documented defaults", () => {
    const c = loadConfig("t", schema, {});
    expect(c).toMatchObject({ NATS_URL: "nats://127.0.0.1:14222", JETSTREAM_REPLICAS: 1, STAGE_DEADLINE_SEC: 1800 });
    expect(c.LOG_PRETTY).toBeUndefined(); // pretty on a terminal, JSON elsewhere
    expect(c.WORKER_CONCURRENCY).toBeUndefined(); // unset: the profile decides
  });

  it("hands JETSTREAM_REPLICAS to the worker runtime (ensureTopology's replicas)", () => {
    expect(workerSettings(loadConfig("t", schema, {})).streamReplicas).toBe(1);
    expect(workerSettings(loadConfig("t", schema, { JETSTREAM_REPLICAS: "3" })).streamReplicas).toBe(3);
  });

  it("lists every invalid variable at once", () => {
    try {
      loadConfig("t", schema, { WORKER_CONCURRENCY: "lots", ACK_WAIT_SEC: "1", LOG_LEVEL: "loud", JETSTREAM_REPLICAS: "6" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const issues = (err as ConfigError).issues.map((i) => i.split(":")[0]).sort();
      expect(issues).toEqual(["ACK_WAIT_SEC", "JETSTREAM_REPLICAS", "LOG_LEVEL", "WORKER_CONCURRENCY"]);
    }
  });

  it("takes OpenAI's organization and project as header values, and refuses one a header cannot carry at start", () => {
    const provider = z.object({ ...baseEnv, ...providerEnv });
    expect(loadConfig("t", provider, { OPENAI_ORG_ID: "org-Abc123", OPENAI_PROJECT_ID: "proj_Xyz789" })).toMatchObject({
      OPENAI_ORG_ID: "org-Abc123",
      OPENAI_PROJECT_ID: "proj_Xyz789",
    });
    try {
      loadConfig("t", provider, { OPENAI_ORG_ID: "org-Abc123\r\nX-Injected: 1", OPENAI_PROJECT_ID: "my project" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const issues = (err as ConfigError).issues;
      expect(issues.map((i) => i.split(":")[0]).sort()).toEqual(["OPENAI_ORG_ID", "OPENAI_PROJECT_ID"]);
      expect(issues.join("\n")).toContain("a header cannot carry");
      expect(issues.join("\n")).not.toContain("X-Injected"); // the value is not echoed
    }
  });
});
