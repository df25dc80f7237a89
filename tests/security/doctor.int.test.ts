import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const dataDir = mkdtempSync(join(tmpdir(), "mp4t-doctor-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs `npm run doctor`'s script with exactly these settings (no inherited configuration). */
function doctor(env: Record<string, string>) {
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "doctor.ts")], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, ...env },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

const strong = () => randomBytes(30).toString("base64url");

describe("npm run doctor", () => {
  it("fails a production configuration on each unsafe setting, naming it", () => {
    const { code, out } = doctor({
      NODE_ENV: "production",
      NATS_URL: "nats://nats:4222",
      JWT_SECRET: "a".repeat(32),
      ADMIN_PASSWORD: "password",
      JOB_STORE: "mongodb",
      MONGODB_URL: "mongodb://db:27017/mp4t",
      BLOB_STORE: "s3",
      S3_ENDPOINT: "http://s3:9000",
      S3_ACCESS_KEY: "minioadmin",
      S3_SECRET_KEY: "minioadmin",
      REGISTRATION: "open",
      CORS_ORIGINS: "*",
    });
    expect(code).toBe(1);
    for (const setting of [
      "JWT_SECRET:",
      "NATS_PASSWORD:",
      "NATS_TLS_CA_FILE",
      "MONGODB_URL:",
      "S3_ACCESS_KEY:",
      "S3_SECRET_KEY:",
      "ADMIN_PASSWORD:",
      "REGISTRATION:",
      "CORS_ORIGINS:",
    ]) {
      expect(out, setting).toContain(setting);
    }
    // Every item of the replaced system's checklist is there, checked or marked for the operator.
    for (const item of [
      "Secret key",
      "Broker password",
      "Database password",
      "API keys",
      "CORS origins",
      "TLS on storage",
      "Monitoring password",
      "Firewall",
      "TLS certificate",
      "Log rotation",
      "Backups",
    ]) {
      expect(out, item).toContain(item);
    }
  });

  it("passes a production configuration with real secrets, TLS and closed registration", () => {
    const { code, out } = doctor({
      NODE_ENV: "production",
      NATS_URL: "tls://nats:4222",
      NATS_USER: "gateway",
      NATS_PASSWORD: strong(),
      NATS_TLS_CA_FILE: "/etc/mp4t/tls/ca.pem",
      JWT_SECRET: strong(),
      ADMIN_PASSWORD: strong(),
      REGISTRATION: "invite",
    });
    expect(out).not.toContain("FAIL");
    expect(code).toBe(0);
  });

  it("outside production lists what production would refuse without failing", () => {
    const { code, out } = doctor({ NODE_ENV: "development", NATS_URL: "nats://nats:4222", JWT_SECRET: strong() });
    expect(code).toBe(0);
    expect(out).toMatch(/\[warn\] Broker password \(NATS\)\n\s+NATS_PASSWORD:/);
  });
});
