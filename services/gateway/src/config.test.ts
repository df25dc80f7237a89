import { describe, expect, it } from "vitest";
import { configSchema, DEV_JWT_SECRET } from "./config.ts";

describe("gateway config", () => {
  it("has working defaults for development", () => {
    const c = configSchema.parse({});
    expect(c).toMatchObject({ PORT: 8080, HOST: "0.0.0.0", JWT_SECRET: DEV_JWT_SECRET, MAX_UPLOAD_BYTES: 2 * 1024 ** 3, SSE_HEARTBEAT_SEC: 15 });
  });

  it("refuses the default or a short secret in production", () => {
    expect(configSchema.safeParse({ NODE_ENV: "production" }).success).toBe(false);
    expect(configSchema.safeParse({ NODE_ENV: "production", JWT_SECRET: "short" }).success).toBe(false);
    expect(configSchema.safeParse({ NODE_ENV: "production", JWT_SECRET: "x".repeat(32) }).success).toBe(true);
  });

  it("wants ADMIN_EMAIL and ADMIN_PASSWORD together", () => {
    expect(configSchema.safeParse({ ADMIN_EMAIL: "root@example.com" }).success).toBe(false);
    expect(configSchema.safeParse({ ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: "long enough" }).success).toBe(true);
  });

  it("reads numbers from the environment's strings", () => {
    expect(configSchema.parse({ PORT: "9000", MAX_UPLOAD_BYTES: "1024", JWT_TTL_SEC: "600" })).toMatchObject({ PORT: 9000, MAX_UPLOAD_BYTES: 1024, JWT_TTL_SEC: 600 });
  });
});
