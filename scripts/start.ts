/**
 * `npm start`: the whole system on one machine. Starts nats-server with JetStream under DATA_DIR
 * (unless NATS_URL points at one), one replica of each service, waits for the gateway to be ready,
 * prints its URL; SIGTERM or Ctrl-C drains and stops everything it started.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve, join } from "node:path";
// Only the names: the supervisor stays small (the full contracts load zod, some 20 MiB resident).
import { SERVICE_NAMES } from "@mp4t/contracts/subjects";
import { ROOT, startNatsServer, superviseService } from "./launcher.ts";

const env = process.env;
const log = (line: string) => process.stderr.write(`[mp4totext] ${line}\n`);
const dataDir = resolve(ROOT, env.DATA_DIR ?? "data");
const port = Number(env.PORT ?? 8080);
mkdirSync(dataDir, { recursive: true });

/** A secret generated once and kept in DATA_DIR, so a restart keeps tokens and the admin login valid. */
function persistentSecret(file: string, bytes: number) {
  const path = join(dataDir, file);
  if (!existsSync(path)) writeFileSync(path, randomBytes(bytes).toString("base64url"), { mode: 0o600 });
  return readFileSync(path, "utf8").trim();
}

const nats = env.NATS_URL
  ? null
  : await startNatsServer({ port: Number(env.NATS_PORT ?? 14222), storeDir: join(dataDir, "nats"), log });
const adminEmail = env.ADMIN_EMAIL ?? "admin@mp4totext.local";
const adminPassword = env.ADMIN_PASSWORD ?? persistentSecret("admin-password", 12);
const serviceEnv: NodeJS.ProcessEnv = {
  ...env,
  NATS_URL: env.NATS_URL ?? nats!.url,
  PORT: String(port),
  JWT_SECRET: env.JWT_SECRET ?? persistentSecret("jwt-secret", 48),
  ADMIN_EMAIL: adminEmail,
  ADMIN_PASSWORD: adminPassword,
};

// A service with an invalid configuration would fail the same way again: stop the whole system.
const services = SERVICE_NAMES.map((name) => superviseService(name, serviceEnv, log, () => void stop("configuration error", 78)));

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
  const ok = await fetch(`${url}/ready`).then((r) => r.ok, () => false);
  if (ok) {
    log(`ready: ${url}  (API docs ${url}/docs)`);
    log(`admin login: ${adminEmail} / ${env.ADMIN_PASSWORD ? "(ADMIN_PASSWORD)" : adminPassword}`);
    log(`NATS: ${serviceEnv.NATS_URL}  data: ${dataDir}`);
    break;
  }
  await new Promise((r) => setTimeout(r, 250));
}
