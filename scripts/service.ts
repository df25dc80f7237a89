/**
 * `npm run service -- <name>`: one more replica of one service. Replicas share their stage's
 * durable consumers, so each one added takes a share of the work with no coordination of its own.
 *
 * NATS credentials, first found wins: the environment (NATS_URL, NATS_USER, NATS_PASSWORD,
 * NATS_TLS_CA_FILE); MP4T_ENV_FILE (an env file `npm start` writes under DATA_DIR/replicas for
 * another machine); else the embedded server of `npm start` on this machine, with this service's
 * own password from DATA_DIR (and, for the gateway, DATA_DIR's token key), and the blob store
 * `npm start` chose there (BLOB_STORE in the environment wins).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
// Only the names (the full contracts load zod); nats-secure.ts still needs messaging's permission table.
import { SERVICE_NAMES } from "@mp4t/contracts/subjects";
import { ROOT, isServiceName, superviseService } from "./launcher.ts";
import { readBlobChoice } from "./blob-migration.ts";
import { natsPassword, readEnvFile, readNatsEndpoint } from "./nats-secure.ts";

const fail = (msg: string, code: number): never => {
  process.stderr.write(`[mp4totext] ${msg}\n`);
  process.exit(code);
};

const name = process.argv[2] ?? "";
if (!isServiceName(name)) fail(`usage: npm run service -- <${SERVICE_NAMES.join("|")}>`, 64);
const svcName = name as (typeof SERVICE_NAMES)[number];

const env: NodeJS.ProcessEnv = { ...process.env };
if (env.MP4T_ENV_FILE) {
  const file = resolve(env.MP4T_ENV_FILE);
  if (!existsSync(file)) fail(`MP4T_ENV_FILE: ${file} does not exist`, 78);
  // Variables set in the environment win over the file's.
  for (const [k, v] of Object.entries(readEnvFile(file, dirname(file)))) env[k] ??= v;
} else if (!env.NATS_PASSWORD) {
  const dataDir = resolve(ROOT, env.DATA_DIR ?? "data");
  const endpoint = readNatsEndpoint(dataDir);
  if (endpoint) {
    env.NATS_URL ??= endpoint.url;
    env.NATS_USER ??= svcName;
    env.NATS_PASSWORD = natsPassword(dataDir, svcName);
    if (endpoint.caFile) env.NATS_TLS_CA_FILE ??= endpoint.caFile;
    // The blob store npm start chose for this machine's services (a directory under DATA_DIR by default).
    const blobs = env.BLOB_STORE ? null : readBlobChoice(dataDir);
    if (blobs) Object.assign(env, blobs);
    const jwt = join(dataDir, "jwt-secret");
    if (svcName === "gateway" && !env.JWT_SECRET && existsSync(jwt)) env.JWT_SECRET = readFileSync(jwt, "utf8").trim();
  }
}
env.NATS_USER ??= svcName;
if (svcName === "gateway" && !env.JWT_SECRET) {
  fail("gateway: JWT_SECRET is not set and DATA_DIR has none (start the system with npm start first, or set JWT_SECRET)", 78);
}

const svc = superviseService(
  svcName,
  env,
  (line) => process.stderr.write(`[mp4totext] ${line}\n`),
  () => process.exit(78),
);
const stop = async () => {
  await svc.stop(Number(process.env.SHUTDOWN_GRACE_SEC ?? 20) * 1000 + 2000);
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
