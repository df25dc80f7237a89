/**
 * `npm run doctor`: the replaced system's production security checklist (secret key, broker
 * password, database password, API keys, CORS origins, TLS on storage, monitoring password,
 * firewall, TLS certificate, log rotation, backups), each item checked against the configuration
 * this shell would start: the environment, plus what `npm start` generated under DATA_DIR.
 * The checks are the ones the services themselves run at start (production refuses what they
 * list), so the doctor and the services cannot disagree. Exit 1 when production would refuse.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { gatewaySecurityProblems, registrationMode } from "@mp4t/gateway";
import { isProductionProfile, natsSecurityProblems } from "@mp4t/messaging/internal";
import { storesSecurityProblems } from "@mp4t/stores";
import { ROOT } from "./launcher.ts";

type Status = "ok" | "fail" | "warn" | "manual";
type Item = { name: string; status: Status; lines: string[] };

const env = process.env;
const production = isProductionProfile(env);
const dataDir = resolve(ROOT, env.DATA_DIR ?? "data");
const embeddedNats = !env.NATS_URL;
const items: Item[] = [];

/** Problems production refuses: failures there, warnings elsewhere (with the reason shown). */
const refused = (lines: string[]): Status => (lines.length === 0 ? "ok" : production ? "fail" : "warn");
const add = (name: string, status: Status, lines: string[]) => items.push({ name, status, lines });

/** A secret file npm start generated: its mode must keep other local users out. */
function generatedFile(path: string): { value?: string; problem?: string } {
  if (!existsSync(path)) return {};
  const mode = statSync(path).mode & 0o777;
  return { value: readFileSync(path, "utf8").trim(), ...(mode & 0o077 ? { problem: `${path}: mode ${mode.toString(8)}, should be 600` } : {}) };
}

const csv = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const jwtFile = generatedFile(join(dataDir, "jwt-secret"));
const gateway = {
  NODE_ENV: env.NODE_ENV ?? "development",
  MP4T_PROFILE: env.MP4T_PROFILE,
  JWT_SECRET: env.JWT_SECRET ?? jwtFile.value ?? "",
  ADMIN_PASSWORD: env.ADMIN_PASSWORD ?? generatedFile(join(dataDir, "admin-password")).value,
  REGISTRATION: env.REGISTRATION as "open" | "invite" | "closed" | undefined,
  REGISTRATION_OPEN_CONFIRMED: env.REGISTRATION_OPEN_CONFIRMED === "true" || env.REGISTRATION_OPEN_CONFIRMED === "1",
  METRICS_TOKEN: env.METRICS_TOKEN,
  CORS_ORIGINS: csv(env.CORS_ORIGINS),
  ...(env.PASSWORD_HASH_COST ? { PASSWORD_HASH_COST: Number(env.PASSWORD_HASH_COST) } : {}),
};
const gatewayProblems = gateway.JWT_SECRET || !embeddedNats ? gatewaySecurityProblems(gateway) : [];
const about = (setting: string) => gatewayProblems.filter((p) => p.startsWith(`${setting}:`));

// 1. Secret key
{
  const lines = about("JWT_SECRET");
  if (jwtFile.problem) lines.push(jwtFile.problem);
  if (!gateway.JWT_SECRET) {
    if (embeddedNats) add("Secret key (JWT_SECRET)", "ok", ["generated into DATA_DIR at the first npm start"]);
    else add("Secret key (JWT_SECRET)", "fail", ["JWT_SECRET: not set; the gateway refuses to start without one"]);
  } else
    add("Secret key (JWT_SECRET)", refused(lines), lines.length ? lines : [env.JWT_SECRET ? "set in the environment" : "generated, kept in DATA_DIR (0600)"]);
}

// 2. Broker password: NATS users, per service
if (embeddedNats) {
  const listen = env.NATS_LISTEN ?? "127.0.0.1";
  const lines = [`embedded nats-server: one generated password per service under ${join(dataDir, "nats-auth")}`];
  const modes = existsSync(join(dataDir, "nats-auth"))
    ? ["gateway", "ingest", "transcriber", "diarizer", "enhancer", "janitor", "admin"]
        .map((u) => generatedFile(join(dataDir, "nats-auth", `${u}.password`)).problem)
        .filter((p): p is string => !!p)
    : [];
  lines.push(
    listen === "127.0.0.1" || listen === "::1" ? "listens on loopback only" : `NATS_LISTEN=${listen}: open beyond this machine, with TLS and credentials`,
  );
  add("Broker password (NATS)", modes.length ? "fail" : "ok", [...lines, ...modes]);
} else {
  const lines = natsSecurityProblems({
    NATS_URL: env.NATS_URL!,
    NATS_USER: env.NATS_USER,
    NATS_PASSWORD: env.NATS_PASSWORD,
    NATS_TLS_CA_FILE: env.NATS_TLS_CA_FILE,
  });
  add("Broker password (NATS)", refused(lines), lines.length ? lines : ["credentials and TLS set (each service must have its own user)"]);
}

// 3. Database password and 6. TLS on storage
const stores = {
  NODE_ENV: env.NODE_ENV,
  MP4T_PROFILE: env.MP4T_PROFILE,
  JETSTREAM_REPLICAS: 1,
  JOB_STORE: (env.JOB_STORE ?? "nats") as "nats" | "mongodb",
  BLOB_STORE: (env.BLOB_STORE ?? "nats") as "nats" | "s3" | "file",
  MONGODB_URL: env.MONGODB_URL,
  S3_ENDPOINT: env.S3_ENDPOINT,
  S3_ACCESS_KEY: env.S3_ACCESS_KEY,
  S3_SECRET_KEY: env.S3_SECRET_KEY,
};
const storeProblems = storesSecurityProblems(stores);
{
  const lines = storeProblems.filter((p) => p.startsWith("MONGODB_URL"));
  add(
    "Database password",
    refused(lines),
    lines.length
      ? lines
      : [stores.JOB_STORE === "mongodb" ? "MONGODB_URL carries credentials" : "embedded NATS KV: guarded by the broker's per-service credentials"],
  );
  const s3 = storeProblems.filter((p) => p.startsWith("S3_"));
  if (s3.length) add("Object store keys (S3)", refused(s3), s3);
  const plain: string[] = [];
  if (stores.BLOB_STORE === "s3" && env.S3_ENDPOINT?.startsWith("http://"))
    plain.push("S3_ENDPOINT: plain http; use https unless the store is on a private network only the services reach");
  if (stores.JOB_STORE === "mongodb" && env.MONGODB_URL && !/[?&](tls|ssl)=true|^mongodb\+srv:/.test(env.MONGODB_URL)) {
    plain.push("MONGODB_URL: no tls=true; use TLS unless the database is on a private network only the services reach");
  }
  add(
    "TLS on storage",
    plain.length ? "warn" : "ok",
    plain.length
      ? plain
      : [
          stores.BLOB_STORE === "s3" || stores.JOB_STORE === "mongodb"
            ? "TLS to the stores"
            : stores.BLOB_STORE === "file"
              ? "blobs in a local directory (BLOB_DIR), the rest inside NATS (see the broker)"
              : "embedded stores live inside NATS (see the broker)",
        ],
  );
}

// 4. API keys: the admin account and the paid providers' keys
{
  const lines = about("ADMIN_PASSWORD");
  const missing: string[] = [];
  if (env.TRANSCRIBE_ENGINE === "openai" && !env.OPENAI_API_KEY && !env.OPENAI_BASE_URL)
    missing.push("OPENAI_API_KEY: TRANSCRIBE_ENGINE=openai without a key or a compatible server");
  if (env.TRANSCRIBE_ENGINE === "huggingface" && !env.HF_TOKEN) missing.push("HF_TOKEN: TRANSCRIBE_ENGINE=huggingface without a token");
  if (env.ENHANCE_PROVIDER === "openai" && !env.OPENAI_API_KEY && !env.OPENAI_BASE_URL)
    missing.push("OPENAI_API_KEY: ENHANCE_PROVIDER=openai without a key or a compatible server");
  const status: Status = lines.length ? refused(lines) : missing.length ? "warn" : "ok";
  add("Admin password and API keys", status, [
    ...lines,
    ...missing,
    ...(lines.length + missing.length
      ? []
      : ["admin password strong; provider keys present where providers are configured; keys only in the services that call them"]),
  ]);
}

// 5. CORS origins
{
  const lines = about("CORS_ORIGINS");
  add(
    "CORS origins",
    refused(lines),
    lines.length ? lines : [gateway.CORS_ORIGINS.length ? `allowed: ${gateway.CORS_ORIGINS.join(", ")}` : "off: no cross-origin browser access"],
  );
}

// 7. Monitoring password
{
  const lines = about("METRICS_TOKEN");
  const workerMetrics =
    env.METRICS_PORT !== undefined && (env.METRICS_HOST ?? "0.0.0.0") !== "127.0.0.1"
      ? [`METRICS_PORT=${env.METRICS_PORT} on ${env.METRICS_HOST ?? "0.0.0.0"}: workers' metrics have no password; keep that port on a private network`]
      : [];
  add("Monitoring password", lines.length ? refused(lines) : workerMetrics.length ? "warn" : "ok", [
    ...lines,
    ...workerMetrics,
    env.METRICS_TOKEN ? "gateway /metrics needs METRICS_TOKEN" : "gateway /metrics is off without METRICS_TOKEN; the dashboard needs an admin login",
  ]);
}

// Registration and password hashing (the gateway's own refusals)
for (const setting of ["REGISTRATION", "PASSWORD_HASH_COST"]) {
  const lines = about(setting);
  if (setting === "REGISTRATION") add("Registration", refused(lines), lines.length ? lines : [`mode: ${registrationMode(gateway)}`]);
  else if (lines.length) add("Password hashing", refused(lines), lines);
}

// 8-11: what configuration alone cannot prove
add("Firewall", "manual", [
  `the gateway listens on ${env.HOST ?? "0.0.0.0"}:${env.PORT ?? 8080}; expose only that port (through the TLS proxy)`,
  embeddedNats
    ? "embedded NATS stays on loopback unless NATS_LISTEN opens it"
    : "NATS, the stores and metrics ports: reachable from the services only (compose network, Kubernetes NetworkPolicies)",
]);
{
  const natsTls = embeddedNats || !!env.NATS_TLS_CA_FILE || !!env.NATS_URL?.split(",").every((u) => u.trim().startsWith("tls://"));
  add("TLS certificate", natsTls ? "manual" : refused(["NATS_TLS_CA_FILE"]), [
    "HTTPS: the gateway speaks HTTP; terminate TLS at a reverse proxy or ingress in front of it",
    embeddedNats
      ? "NATS: loopback, or TLS with a generated CA when NATS_LISTEN opens it"
      : natsTls
        ? "NATS: TLS (NATS_TLS_CA_FILE or tls://)"
        : "NATS_TLS_CA_FILE: not set and NATS_URL is not tls://: NATS traffic (credentials included) travels in clear",
  ]);
}
add("Log rotation", "manual", [
  "every service logs JSON lines to stdout (credentials masked): rotate with the container runtime, journald or your log shipper",
]);
add("Backups", "manual", [
  embeddedNats && stores.JOB_STORE === "nats"
    ? `back up ${dataDir} (JetStream store: users, jobs, media; generated secrets) while stopped, or snapshot the volume`
    : "back up the MongoDB database, the S3 bucket and the NATS JetStream volumes (queued work), and keep the secrets in your secret store",
]);

const mark: Record<Status, string> = { ok: "ok  ", fail: "FAIL", warn: "warn", manual: "todo" };
process.stdout.write(`MP4toText security checklist (${production ? "production" : (env.MP4T_PROFILE ?? env.NODE_ENV ?? "development")} profile)\n`);
for (const it of items) {
  process.stdout.write(`[${mark[it.status]}] ${it.name}\n`);
  for (const l of it.lines) process.stdout.write(`         ${l}\n`);
}
const failed = items.filter((i) => i.status === "fail").length;
if (!production && items.some((i) => i.status === "warn")) process.stdout.write("warn: production would refuse these settings or should not run with them.\n");
process.stdout.write(failed ? `${failed} item(s) fail: production refuses to start with these settings.\n` : "nothing production refuses.\n");
process.exit(failed ? 1 : 0);
