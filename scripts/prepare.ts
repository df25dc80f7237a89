/**
 * The short-lived first step of `npm start` (scripts/start.mjs runs it, then it exits): secrets and
 * NATS security under DATA_DIR, and every service's own environment. Prints one JSON line (`Plan`);
 * then, once the supervisor has started nats-server and writes `probe` on stdin, waits until the
 * server accepts the admin's credentials and prints `ok`. It loads the permission table and the
 * NATS client, which the resident supervisor would otherwise keep in memory all along.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { createInterface } from "node:readline";
import { join, resolve } from "node:path";
import { SERVICE_NAMES, type ServiceName } from "@mp4t/contracts/subjects";
import { natsServerBin } from "@mp4t/runtime/toolchain";
import { passwordEnv } from "@mp4t/messaging/internal";
import { ROOT, probeNats, serviceEntry } from "./launcher.ts";
import { authDir, prepareSecureNats, replicasDir } from "./nats-secure.ts";
import { LAYOUTS, workerNice, type Layout } from "./supervise.mjs";
import { readBlobChoice, recordBlobChoice, type BlobChoice } from "./blob-migration.ts";

/** What the supervisor runs; see scripts/start.mjs. */
export type Plan = {
  mode: Layout;
  port: number;
  /** nats-server to start (null: NATS_URL points at one). */
  nats: { bin: string; args: string[]; url: string; storeDir: string } | null;
  /** Variables no service gets from the shared environment (secrets, other services' passwords). */
  privateKeys: string[];
  /** Each service's own variables, on top of the shared environment. */
  services: { name: ServiceName; entry: string; env: Record<string, string> }[];
  allInOneEntry: string;
  banner: string[];
};

const env = process.env;
const dataDir = resolve(ROOT, env.DATA_DIR ?? "data");
const port = Number(env.PORT ?? 8080);
mkdirSync(dataDir, { recursive: true });

const mode = (env.MP4T_PROCESSES ?? "split") as Plan["mode"];
if (!LAYOUTS.includes(mode)) {
  process.stderr.write(`[mp4totext] MP4T_PROCESSES: "${mode}" is not one of ${LAYOUTS.join(", ")}\n`);
  process.exit(78);
}
try {
  workerNice(env);
} catch (err) {
  process.stderr.write(`[mp4totext] ${(err as Error).message}\n`);
  process.exit(78);
}

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
const adminEmail = env.ADMIN_EMAIL ?? "admin@mp4totext.local";
const adminPassword = env.ADMIN_PASSWORD ?? persistentSecret("admin-password", 12);

/**
 * Blobs in a directory under DATA_DIR when every service can only run on this machine: the
 * embedded nats-server listens on loopback (NATS_LISTEN unset), so no replica elsewhere can join.
 * A file write costs a fraction of an Object Store put (chunks published and acknowledged one by
 * one, then held in nats-server's memory until compacted away). BLOB_STORE in the environment wins;
 * an open NATS_LISTEN or an external NATS_URL keeps the Object Store, which every host shares.
 */
const blobEnv: Record<string, string> =
  env.BLOB_STORE || env.NATS_URL || listen !== "127.0.0.1" ? {} : { BLOB_STORE: "file", BLOB_DIR: join(dataDir, "blobs") };
/** The store the services use, recorded in DATA_DIR for `npm run service` on this machine and for the next start. */
const blobChoice: BlobChoice = blobEnv.BLOB_STORE
  ? { BLOB_STORE: "file", BLOB_DIR: blobEnv.BLOB_DIR! }
  : { BLOB_STORE: env.BLOB_STORE ?? "nats", ...(env.BLOB_STORE === "file" && env.BLOB_DIR ? { BLOB_DIR: env.BLOB_DIR } : {}) };
/**
 * The store the last start used: its record, else the Object Store if the embedded server holds
 * its stream (an installation from before the directory). When the embedded store changes
 * between the two, the blobs move before any service starts (scripts/blob-migration.ts).
 */
const previousBlobs: BlobChoice | null =
  readBlobChoice(dataDir) ?? (existsSync(join(dataDir, "nats", "jetstream", "$G", "streams", "OBJ_mp4t-blobs")) ? { BLOB_STORE: "nats" } : null);
const embedded = (c: BlobChoice | null) => c?.BLOB_STORE === "nats" || (c?.BLOB_STORE === "file" && !!c.BLOB_DIR);
const blobsMove =
  !env.NATS_URL &&
  previousBlobs &&
  embedded(previousBlobs) &&
  embedded(blobChoice) &&
  (previousBlobs.BLOB_STORE !== blobChoice.BLOB_STORE || previousBlobs.BLOB_DIR !== blobChoice.BLOB_DIR)
    ? previousBlobs
    : null;
const recordBlobs = () => recordBlobChoice(dataDir, blobChoice);
if (!blobsMove) recordBlobs();

/** Each service's own variables: its NATS user and password, the blob directory, and the gateway's secrets. */
function ownEnv(name: ServiceName): Record<string, string> {
  // An external NATS (NATS_URL): per-service passwords from NATS_<SERVICE>_PASSWORD, else NATS_PASSWORD.
  const password = env[passwordEnv(name)] ?? env.NATS_PASSWORD;
  const natsEnv = secure?.serviceEnv(name) ?? { NATS_URL: env.NATS_URL!, NATS_USER: name, ...(password ? { NATS_PASSWORD: password } : {}) };
  return {
    ...natsEnv,
    PORT: String(port),
    DATA_DIR: dataDir, // resolved: the gateway's embedded search index lives under it
    ...blobEnv,
    ...(name === "gateway" ? { JWT_SECRET: jwtSecret, ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword } : {}),
  };
}

const natsUrl = secure?.endpoint.url ?? env.NATS_URL!;
const plan: Plan = {
  mode,
  port,
  nats: secure ? { bin: natsServerBin(), args: ["-c", secure.configFile], url: secure.endpoint.url, storeDir: join(dataDir, "nats") } : null,
  privateKeys: ["JWT_SECRET", "ADMIN_PASSWORD", "ADMIN_EMAIL", "NATS_USER", "NATS_PASSWORD", ...[...SERVICE_NAMES, "admin" as const].map(passwordEnv)],
  services: SERVICE_NAMES.map((name) => ({ name, entry: serviceEntry(name), env: ownEnv(name) })),
  allInOneEntry: join(ROOT, "scripts", "all-in-one.ts"),
  banner: [
    `admin login: ${adminEmail} / ${env.ADMIN_PASSWORD ? "(ADMIN_PASSWORD)" : adminPassword}`,
    `NATS: ${natsUrl.replace(/(:\/\/[^\s:/@]*):[^\s/@]*@/, "$1:***@")}  data: ${dataDir}  processes: ${mode} (MP4T_PROCESSES)`,
    `blobs: ${blobEnv.BLOB_DIR ?? `BLOB_STORE=${env.BLOB_STORE ?? "nats"}`}`,
    ...(secure ? [`NATS users and passwords: ${authDir(dataDir)} (admin: operators' tools)`] : []),
    ...(secure && listen !== "127.0.0.1" ? [`replicas on other machines: ${replicasDir(dataDir)} (see README "Scale a service")`] : []),
  ],
};
process.stdout.write(`${JSON.stringify(plan)}\n`);

if (secure) {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  if ((await lines.next()).value === "probe") {
    await probeNats({ url: secure.endpoint.url, probe: { ...secure.admin, caFile: secure.endpoint.caFile } });
    if (blobsMove) {
      const { migrateBlobs } = await import("./blob-migration.ts");
      const moved = await migrateBlobs({
        url: secure.endpoint.url,
        admin: { ...secure.admin, caFile: secure.endpoint.caFile },
        from: blobsMove,
        to: blobChoice,
        log: (line) => process.stderr.write(`[mp4totext] ${line}\n`),
      });
      recordBlobs();
      process.stderr.write(`[mp4totext] blobs: ${moved} moved to ${blobChoice.BLOB_DIR ?? `BLOB_STORE=${blobChoice.BLOB_STORE}`}\n`);
    }
    process.stdout.write("ok\n");
  }
}
process.exit(0);
