import { LANES } from "@mp4t/contracts";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { ConfigError, baseEnv, loadConfig, workerEnv, workerSettings } from "./config.ts";
import { PROFILES, ProfileError, resolveProfile, selectProfile } from "./profiles.ts";

const schema = z.object({ ...baseEnv, ...workerEnv });
const settings = (env: Record<string, string>) => workerSettings(loadConfig("t", schema, env));

describe("profile selection", () => {
  it("takes MP4T_PROFILE, else NODE_ENV, else development", () => {
    expect(selectProfile({ MP4T_PROFILE: "staging", NODE_ENV: "production" })).toBe("staging");
    expect(selectProfile({ NODE_ENV: "production" })).toBe("production");
    expect(selectProfile({ NODE_ENV: "test" })).toBe("development");
    expect(selectProfile({})).toBe("development");
    expect(settings({ NODE_ENV: "staging" }).profile).toBe("staging");
  });

  it("rejects an unknown MP4T_PROFILE with the variable named", () => {
    expect(() => loadConfig("t", schema, { MP4T_PROFILE: "prod" })).toThrow(/MP4T_PROFILE/);
  });
});

describe("profile defaults mirror the replaced system", () => {
  it("development runs 2 fixed workers and never recycles", () => {
    const { lanes } = settings({});
    for (const lane of LANES) {
      expect(lanes[lane]).toMatchObject({ concurrency: 2, autoscale: { min: 2, max: 2 }, prefetch: 4, recycle: { afterJobs: 0 } });
    }
  });

  it("staging runs 4 autoscaling 2-6 and production 8 autoscaling 4-12 on the high lane", () => {
    expect(settings({ NODE_ENV: "staging" }).lanes.high).toMatchObject({ concurrency: 4, autoscale: { min: 2, max: 6 }, recycle: { afterJobs: 1000 } });
    const prod = settings({ NODE_ENV: "production" });
    expect(prod.lanes.high).toMatchObject({ concurrency: 8, autoscale: { min: 4, max: 12 }, prefetch: 4, recycle: { afterJobs: 1000 } });
    expect(prod.lanes.high.maxAckPending).toBe(4 * 12 * 5);
    expect(prod.warnings).toEqual([]);
  });

  it("production lays out 122 workers: critical 3x6, high 5x12, default 4x10, low 1x4", () => {
    const p = PROFILES.production;
    expect(LANES.map((l) => [p[l].replicas, p[l].autoscale.max])).toEqual([
      [3, 6],
      [5, 12],
      [4, 10],
      [1, 4],
    ]);
    expect(LANES.reduce((n, l) => n + p[l].replicas * p[l].autoscale.max, 0)).toBe(122);
  });
});

describe("environment overrides", () => {
  it("override the profile; a bare WORKER_CONCURRENCY pins the replica", () => {
    const s = settings({ NODE_ENV: "production", WORKER_CONCURRENCY: "6", ACK_WAIT_SEC: "90", MAX_DELIVER: "7", WORKER_RECYCLE_JOBS: "50" });
    expect(s.lanes.high).toMatchObject({ concurrency: 6, autoscale: { min: 6, max: 6 }, ackWaitSec: 90, maxDeliver: 7, recycle: { afterJobs: 50 } });
  });

  it("with autoscale bounds, concurrency starts inside them", () => {
    const s = settings({ NODE_ENV: "staging", WORKER_AUTOSCALE_MIN: "3", WORKER_AUTOSCALE_MAX: "9" });
    expect(s.lanes.default).toMatchObject({ concurrency: 4, autoscale: { min: 3, max: 9 } });
  });
});

describe("production refuses nonsense", () => {
  const refused = (env: Record<string, string>) => {
    try {
      settings({ NODE_ENV: "production", ...env });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).issues;
    }
    throw new Error("accepted");
  };

  it("autoscale min above max", () => {
    expect(refused({ WORKER_AUTOSCALE_MIN: "10", WORKER_AUTOSCALE_MAX: "4" })).toContain("high: autoscale min 10 > max 4");
  });
  it("prefetch below concurrency", () => {
    expect(refused({ WORKER_MAX_ACK_PENDING: "10" }).join("\n")).toMatch(/high: prefetch \(max ack pending 10\) below the lane's concurrency 12 x 5/);
  });
  it("a backoff whose base exceeds its cap, and recycling faster than a replica's slots", () => {
    const issues = refused({ RETRY_BACKOFF_BASE_MS: "5000", RETRY_BACKOFF_MAX_MS: "100", WORKER_RECYCLE_JOBS: "3" });
    expect(issues).toContain("low: retry backoff base 5000 ms > max 100 ms");
    expect(issues).toContain("high: recycling after 3 jobs, fewer than the 12 a replica runs at once");
  });

  it("while development only warns and keeps running", () => {
    const s = settings({ WORKER_AUTOSCALE_MIN: "4", WORKER_AUTOSCALE_MAX: "3" });
    expect(s.warnings).toContain("high: autoscale min 4 > max 3");
  });

  it("including a broken profile table, listing every lane", () => {
    const broken = { ...PROFILES, production: { ...PROFILES.production, low: { ...PROFILES.production.low, concurrency: 0 } } };
    expect(() => resolveProfile("production", {}, broken)).toThrow(ProfileError);
  });
});
