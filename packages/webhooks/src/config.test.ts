import { z } from "zod";
import { describe, expect, it } from "vitest";
import { parseSchedule, targetSettings, webhooksEnv } from "./config.ts";

const schema = z.object(webhooksEnv);

describe("webhook settings", () => {
  it("parses the retry schedule and refuses bad delays or allow-list entries at start", () => {
    expect(parseSchedule("5s,5m,30m,2h,1d,250ms")).toEqual([5000, 300_000, 1_800_000, 7_200_000, 86_400_000, 250]);
    expect(schema.parse({}).WEBHOOK_RETRY_SCHEDULE).toEqual([5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    const bad = schema.safeParse({ WEBHOOK_RETRY_SCHEDULE: "5s,soon", WEBHOOK_ALLOWED_TARGETS: "10.0.0.0/8,10.0.0.0/99" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path[0]).sort()).toEqual(["WEBHOOK_ALLOWED_TARGETS", "WEBHOOK_RETRY_SCHEDULE"]);
  });

  it("allows loopback only in development and requires https only in production, unless told otherwise", () => {
    const base = schema.parse({ WEBHOOK_ALLOWED_TARGETS: "10.1.0.0/16" });
    const dev = targetSettings({ ...base, MP4T_PROFILE: "development" });
    expect([dev.policy.allowsAddress("127.0.0.1"), dev.requireHttps]).toEqual([true, false]);
    const prod = targetSettings({ ...base, MP4T_PROFILE: "production" });
    expect([prod.policy.allowsAddress("127.0.0.1"), prod.policy.allowsAddress("10.1.2.3"), prod.requireHttps]).toEqual([false, true, true]);
    const staging = targetSettings({ ...schema.parse({ WEBHOOK_ALLOW_LOOPBACK: "true", WEBHOOK_REQUIRE_HTTPS: "1" }), MP4T_PROFILE: "staging" });
    expect([staging.policy.allowsAddress("::1"), staging.requireHttps]).toEqual([true, true]);
  });
});
