import type { StoresConfig } from "./factory.ts";

/** Access keys and secrets that ship in documentation and images; a store reachable with them is open. */
const WELL_KNOWN_S3 = new Set([
  "minioadmin",
  "minio",
  "minio123",
  "admin",
  "password",
  "changeme",
  "secret",
  "versity",
  "versitygw",
  "AKIAIOSFODNN7EXAMPLE",
  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "test",
  "testtest",
]);
const WELL_KNOWN_DB_PASSWORDS = new Set(["password", "example", "changeme", "secret", "mongo", "admin", "root", "test"]);

/**
 * The store settings production refuses, each naming its variable. Only the production stores
 * are checked: the embedded NATS stores are covered by NATS's own credentials.
 */
export function storesSecurityProblems(cfg: StoresConfig): string[] {
  const p: string[] = [];
  if (cfg.BLOB_STORE === "s3") {
    if (cfg.S3_ACCESS_KEY && WELL_KNOWN_S3.has(cfg.S3_ACCESS_KEY)) p.push("S3_ACCESS_KEY: a default or well-known access key");
    if (cfg.S3_SECRET_KEY && (WELL_KNOWN_S3.has(cfg.S3_SECRET_KEY) || cfg.S3_SECRET_KEY.length < 16)) {
      p.push("S3_SECRET_KEY: a default, well-known or short secret (at least 16 characters)");
    }
  }
  if (cfg.JOB_STORE === "mongodb" && cfg.MONGODB_URL) {
    let url: URL | undefined;
    try {
      url = new URL(cfg.MONGODB_URL);
    } catch {
      p.push("MONGODB_URL: not a valid URL");
    }
    if (url && !url.username) p.push("MONGODB_URL: no credentials (MongoDB must require authentication)");
    if (url?.password && (WELL_KNOWN_DB_PASSWORDS.has(decodeURIComponent(url.password)) || url.password.length < 12)) {
      p.push("MONGODB_URL: a default, well-known or short password (at least 12 characters)");
    }
  }
  return p;
}
