import { describe, expect, it } from "vitest";
import { configSchema, registrationMode } from "./config.ts";
import { OLD_DEV_JWT_SECRET, weakSecretProblem } from "./security/secret-strength.ts";
import { gatewaySecurityProblems } from "./security/security-problems.ts";

const SECRET = "Zq3u0v9XH1rN8kq2m4yJ7cT5wB6eA0dLfGhPsR2tUvWx";
const issues = (env: Record<string, string>) => {
  const r = configSchema.safeParse(env);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("gateway config", () => {
  it("has working defaults for development once JWT_SECRET is set", () => {
    const c = configSchema.parse({ JWT_SECRET: SECRET });
    expect(c).toMatchObject({ PORT: 8080, HOST: "0.0.0.0", MAX_UPLOAD_BYTES: 2 * 1024 ** 3, SSE_HEARTBEAT_SEC: 15, JWT_TTL_SEC: 900, AUTH_CACHE_MS: 2000 });
    expect(c.PASSWORD_HASH_COST).toBe(17); // OWASP's scrypt N=2^17; tests that are not about it lower it
    expect(registrationMode(c)).toBe("open");
  });

  it("needs JWT_SECRET in every profile and refuses well-known or weak keys by name", () => {
    for (const NODE_ENV of ["development", "test", "production"]) {
      expect(issues({ NODE_ENV }).join()).toMatch(/JWT_SECRET/);
      for (const bad of [OLD_DEV_JWT_SECRET, "secret", "changeme", "a".repeat(48), "abcd".repeat(12), "short-key", "ab".repeat(8) + "cdefgh".repeat(4)]) {
        expect(issues({ NODE_ENV, JWT_SECRET: bad }).join(), bad).toMatch(/JWT_SECRET/);
      }
    }
    expect(weakSecretProblem(SECRET)).toBeNull();
  });

  it("refuses each unsafe setting in production, naming it", () => {
    const base = { NODE_ENV: "production", JWT_SECRET: SECRET };
    expect(issues(base)).toEqual([]);
    expect(registrationMode(configSchema.parse(base))).toBe("invite");
    expect(issues({ ...base, ADMIN_EMAIL: "a@b.test", ADMIN_PASSWORD: "password1234" }).join()).toMatch(/ADMIN_PASSWORD/);
    expect(issues({ ...base, ADMIN_EMAIL: "a@b.test", ADMIN_PASSWORD: "admin-password" }).join()).toMatch(/ADMIN_PASSWORD: ADMIN_PASSWORD is a default/);
    expect(issues({ ...base, REGISTRATION: "open" }).join()).toMatch(/REGISTRATION/);
    expect(issues({ ...base, REGISTRATION: "open", REGISTRATION_OPEN_CONFIRMED: "true" })).toEqual([]);
    expect(issues({ ...base, MP4T_PROFILE: "production", NODE_ENV: "development", REGISTRATION: "open" }).join()).toMatch(/REGISTRATION/);
    expect(issues({ ...base, CORS_ORIGINS: "*" }).join()).toMatch(/CORS_ORIGINS/);
    expect(issues({ ...base, METRICS_TOKEN: "metrics" }).join()).toMatch(/METRICS_TOKEN/);
    expect(issues({ ...base, PASSWORD_HASH_COST: "14" }).join()).toMatch(/PASSWORD_HASH_COST/);
    // Development accepts them (the doctor still lists them).
    const dev = configSchema.parse({ JWT_SECRET: SECRET, ADMIN_EMAIL: "a@b.test", ADMIN_PASSWORD: "admin-password" });
    expect(gatewaySecurityProblems(dev)).toEqual(["ADMIN_PASSWORD: is a default password"]);
  });

  it("wants ADMIN_EMAIL and ADMIN_PASSWORD together", () => {
    expect(configSchema.safeParse({ JWT_SECRET: SECRET, ADMIN_EMAIL: "root@example.com" }).success).toBe(false);
    expect(configSchema.safeParse({ JWT_SECRET: SECRET, ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: "long enough pw" }).success).toBe(true);
  });

  it("reads numbers and lists from the environment's strings", () => {
    expect(
      configSchema.parse({ JWT_SECRET: SECRET, PORT: "9000", MAX_UPLOAD_BYTES: "1024", JWT_TTL_SEC: "600", CORS_ORIGINS: "https://a.test, https://b.test" }),
    ).toMatchObject({ PORT: 9000, MAX_UPLOAD_BYTES: 1024, JWT_TTL_SEC: 600, CORS_ORIGINS: ["https://a.test", "https://b.test"] });
  });
});
