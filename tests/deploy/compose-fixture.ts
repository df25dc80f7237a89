/** What the compose tests share: the profiles, the services' config schemas, and the secrets an operator exports. */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import type { loadConfig } from "@mp4t/runtime";
import { configSchema as diarizer } from "../../services/diarizer/src/config.ts";
import { configSchema as enhancer } from "../../services/enhancer/src/config.ts";
import { configSchema as gateway } from "../../services/gateway/src/config.ts";
import { configSchema as ingest } from "../../services/ingest/src/config.ts";
// The janitor has no src/index.ts; its config module has no side effects.
import { configSchema as janitor } from "../../services/janitor/src/config.ts";
import { configSchema as transcriber } from "../../services/transcriber/src/config.ts";
import { ROOT, type Service, type Vars } from "./compose.ts";

export const PROFILES = ["development", "staging", "production"] as const;
export const WORKERS = { ingest, transcriber, diarizer, enhancer, janitor } as const;
export const APP: Record<string, Parameters<typeof loadConfig>[1]> = { gateway, ...WORKERS };
export const NATS_USERS = [...Object.keys(APP), "admin"];
export const natsPasswordVar = (user: string) => `NATS_${user.toUpperCase()}_PASSWORD`;

/** TLS files as deploy/tls/make-certs.sh writes them, in a temp dir (MP4T_TLS_DIR). */
export const TLS_DIR = (() => {
  const dir = mkdtempSync(join(tmpdir(), "mp4t-compose-tls-"));
  execFileSync("sh", [join(ROOT, "deploy", "tls", "make-certs.sh"), dir], { stdio: "ignore" });
  return dir;
})();

/** What an operator exports from a secret store for staging and production. */
const secret = () => randomBytes(24).toString("hex");
export const SECRETS: Vars = {
  JWT_SECRET: secret(),
  ADMIN_PASSWORD: secret(),
  MONGODB_PASSWORD: secret(),
  S3_SECRET_KEY: secret(),
  ...Object.fromEntries(NATS_USERS.map((u) => [natsPasswordVar(u), secret()])),
};
/** Development's env file has the store passwords; the gateway's key and admin password come from the shell in every profile. */
export const DEV_SHELL: Vars = { JWT_SECRET: secret(), ADMIN_PASSWORD: secret() };
export const shellFor = (profile: string): Vars => ({ MP4T_TLS_DIR: TLS_DIR, ...(profile === "development" ? DEV_SHELL : SECRETS) });

export const hostOf = (url: string) => new URL(url).hostname;
export const natsHosts = (s: Service) => s.environment.NATS_URL!.split(",").map((u) => hostOf(u.trim()));
