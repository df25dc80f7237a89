/**
 * `npm start`: the whole system on one machine. Starts nats-server with JetStream under DATA_DIR
 * (unless NATS_URL points at one) with one NATS user per service (scripts/nats-secure.ts), one
 * replica of each service, waits for the gateway to be ready, prints its URL; SIGTERM or Ctrl-C
 * drains and stops everything it started.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve, join } from "node:path";
// Only the names (the full contracts load zod); messaging is needed for the NATS auth config.
import { SERVICE_NAMES, type ServiceName } from "@mp4t/contracts/subjects";
import { maskUrlCredentials } from "@mp4t/runtime";
import { passwordEnv } from "@mp4t/messaging/internal";
import { ROOT, startNatsServer, superviseService } from "./launcher.ts";
import { authDir, prepareSecureNats, replicasDir } from "./nats-secure.ts";

const env = process.env;
const log = (line: string) => process.stderr.write(`[mp4totext] ${maskUrlCredentials(line)}\n`);
const dataDir = resolve(ROOT, env.DATA_DIR ?? "data");
const port = Number(env.PORT ?? 8080);
mkdirSync(dataDir, { recursive: true });

/** A secret generated once and kept in DATA_DIR, so a restart keeps tokens and the admin login valid. */
function persistentSecret(file: string, bytes: number) {
  const path = join(dataDir, file);
  if (!existsSync(path)) writeFileSync(path, randomBytes(bytes).toString("base64url"), { mode: 0o600 });
  return readFileSync(path, "utf8").trim();
}

const jwtSecret = env.JWT_SECRET ?? persistentSecret("jwt-secret", 48);
const listen = env.NATS_LISTEN ?? "127.0.0.1";
const secure = env.NATS_URL
  ? null
  : prepareSecureNats({
      dataDir,
      port: Number(env.NATS_PORT ?? 14222),
      listen,
      tls: env.NATS_TLS === "1" || env.NATS_TLS === "true" || (env.MP4T_PROFILE ?? env.NODE_ENV) === "production",
      tlsHosts: (env.NATS_TLS_HOSTS ?? "")
        .split(",")
        .map((h) => h.trim())
        .filter(Boolean),
      publicHost: env.NATS_PUBLIC_HOST ?? hostname(),
      jwtSecret,
    });
const nats = secure
  ? await startNatsServer({ configFile: secure.configFile, url: secure.endpoint.url, probe: { ...secure.admin, caFile: secure.endpoint.caFile }, log })
  : null;
const adminEmail = env.ADMIN_EMAIL ?? "admin@mp4totext.local";
const adminPassword = env.ADMIN_PASSWORD ?? persistentSecret("admin-password", 12);

/** Secrets a service gets only when it is the one that needs them. */
const PRIVATE = ["JWT_SECRET", "ADMIN_PASSWORD", "ADMIN_EMAIL", "NATS_USER", "NATS_PASSWORD", ...[...SERVICE_NAMES, "admin" as const].map(passwordEnv)];
const shared: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !PRIVATE.includes(k)));

/** Each service's environment: the shared settings, its own NATS user, and the gateway's secrets. */
function envFor(name: ServiceName): NodeJS.ProcessEnv {
  // An external NATS (NATS_URL): per-service passwords from NATS_<SERVICE>_PASSWORD, else NATS_PASSWORD.
  const natsEnv = secure?.serviceEnv(name) ?? {
    NATS_URL: env.NATS_URL!,
    NATS_USER: name,
    ...((env[passwordEnv(name)] ?? env.NATS_PASSWORD) ? { NATS_PASSWORD: env[passwordEnv(name)] ?? env.NATS_PASSWORD } : {}),
  };
  return {
    ...shared,
    ...natsEnv,
    PORT: String(port),
    DATA_DIR: dataDir, // resolved: the gateway's embedded search index lives under it
    ...(name === "gateway" ? { JWT_SECRET: jwtSecret, ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword } : {}),
  };
}

// A service with an invalid configuration would fail the same way again: stop the whole system.
const services = SERVICE_NAMES.map((name) => superviseService(name, envFor(name), log, () => void stop("configuration error", 78)));

let stopping = false;
async function stop(signal: string, exitCode = 0) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping services`);
  const grace = Number(env.SHUTDOWN_GRACE_SEC ?? 20) * 1000 + 2000;
  await Promise.all(services.map((s) => s.stop(grace)));
  await nats?.stop();
  log("stopped");
  process.exit(exitCode);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));

const url = `http://localhost:${port}`;
for (const deadline = Date.now() + 60_000; Date.now() < deadline && !stopping; ) {
  const ok = await fetch(`${url}/ready`).then(
    (r) => r.ok,
    () => false,
  );
  if (ok) {
    log(`ready: ${url}  (API docs ${url}/docs)`);
    log(`admin login: ${adminEmail} / ${env.ADMIN_PASSWORD ? "(ADMIN_PASSWORD)" : adminPassword}`);
    log(`NATS: ${secure?.endpoint.url ?? env.NATS_URL}  data: ${dataDir}`);
    if (secure) {
      log(`NATS users and passwords: ${authDir(dataDir)} (admin: operators' tools)`);
      if (listen !== "127.0.0.1") log(`replicas on other machines: ${replicasDir(dataDir)} (see README "Scale a service")`);
    }
    break;
  }
  await new Promise((r) => setTimeout(r, 250));
}
