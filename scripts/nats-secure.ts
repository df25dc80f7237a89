/**
 * The embedded NATS server's security, kept under DATA_DIR:
 *   nats-auth/<user>.password   one random password per NATS user (0600, generated once)
 *   nats-auth/<user>.generated  SHA-256 of the password as generated (0600): it is still ours
 *   nats-auth/nats-server.conf  the server config from the permission table, bcrypt hashes only
 *   nats-auth/server.json       where local replicas connect (`npm run service` reads it)
 *   nats-tls/                   CA and server certificate (openssl), only when NATS_LISTEN opens the port
 *   replicas/<service>.env      what another machine needs to run a replica (with nats-tls/ca.pem copied beside it)
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { isIP } from "node:net";
import { join } from "node:path";
import { NATS_USERS, natsPasswordHash, renderNatsServerConfig, type NatsPasswordRef, type NatsUser } from "@mp4t/messaging/internal";
import { SERVICE_NAMES, type ServiceName } from "@mp4t/contracts";

export type NatsEndpoint = {
  /** How processes on this machine connect. */
  url: string;
  /** CA of the server certificate when TLS is on. */
  caFile?: string;
};

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export const authDir = (dataDir: string) => join(dataDir, "nats-auth");
export const tlsDir = (dataDir: string) => join(dataDir, "nats-tls");
export const replicasDir = (dataDir: string) => join(dataDir, "replicas");

function privateDir(dir: string) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

function writePrivate(path: string, text: string) {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its mode on write
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const generatedMark = (dataDir: string, user: NatsUser) => join(authDir(dataDir), `${user}.generated`);

/** A user's password, generated once and kept 0600 under DATA_DIR/nats-auth. */
export function natsPassword(dataDir: string, user: NatsUser): string {
  const path = join(authDir(dataDir), `${user}.password`);
  if (!existsSync(path)) {
    privateDir(authDir(dataDir));
    const password = randomBytes(24).toString("base64url");
    writePrivate(generatedMark(dataDir, user), sha256(password));
    writePrivate(path, password);
  }
  return readFileSync(path, "utf8").trim();
}

/**
 * The bcrypt cost of a user's password in the server config. A password this file generated (its
 * SHA-256 recorded when written, and still matching) holds 192 random bits: no cost makes guessing
 * it from a leaked hash any harder (and its plain text sits beside the config, in the same
 * private directory), while nats-server pays the cost at every connection, including every attempt
 * with a wrong password from anyone who can reach an opened port: cost 11 is about 0.1 s of its CPU
 * per attempt, cost 4 (bcrypt's minimum) under 1 ms. A password an operator wrote into the file,
 * and one generated before the record existed, keep cost 11.
 */
export function natsHashCost(dataDir: string, user: NatsUser, password: string): 4 | 11 {
  const mark = generatedMark(dataDir, user);
  return existsSync(mark) && readFileSync(mark, "utf8").trim() === sha256(password) ? 4 : 11;
}

/** Where a local replica connects, as the last `npm start` wrote it; null before the first. */
export function readNatsEndpoint(dataDir: string): NatsEndpoint | null {
  const path = join(authDir(dataDir), "server.json");
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as NatsEndpoint) : null;
}

const openssl = (args: string[], cwd: string) => execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });

/**
 * A CA (kept) and a server certificate for `hosts` (re-issued when the host list changes).
 * EKU serverAuth and clientAuth: the same certificate serves cluster routes' mutual TLS.
 */
export function ensureNatsTls(dataDir: string, hosts: string[]): { caFile: string; certFile: string; keyFile: string } {
  const dir = tlsDir(dataDir);
  privateDir(dir);
  const ca = join(dir, "ca.pem");
  const caKey = join(dir, "ca-key.pem");
  if (!existsSync(ca) || !existsSync(caKey)) {
    openssl(
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        caKey,
        "-out",
        ca,
        "-days",
        "3650",
        "-subj",
        "/CN=MP4toText NATS CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
      ],
      dir,
    );
  }
  const cert = join(dir, "server.pem");
  const key = join(dir, "server-key.pem");
  const hostsFile = join(dir, "server.hosts");
  const want = [...new Set(hosts)].sort().join(",");
  if (!existsSync(cert) || !existsSync(hostsFile) || readFileSync(hostsFile, "utf8") !== want) {
    const san = want
      .split(",")
      .map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`))
      .join(",");
    const ext = join(dir, "server.ext");
    const csr = join(dir, "server.csr");
    writePrivate(
      ext,
      `subjectAltName=${san}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\n`,
    );
    openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=mp4t-nats"], dir);
    openssl(
      [
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        ca,
        "-CAkey",
        caKey,
        "-set_serial",
        `0x${randomBytes(16).toString("hex")}`,
        "-out",
        cert,
        "-days",
        "825",
        "-extfile",
        ext,
      ],
      dir,
    );
    rmSync(csr, { force: true });
    writePrivate(hostsFile, want);
  }
  for (const f of [caKey, key]) chmodSync(f, 0o600);
  return { caFile: ca, certFile: cert, keyFile: key };
}

export type SecureNatsOptions = {
  dataDir: string;
  port: number;
  /** Interface to listen on (`NATS_LISTEN`); anything but loopback turns TLS on. */
  listen: string;
  /** TLS even on loopback (`NATS_TLS=1`, and the production profile, which refuses NATS without it). */
  tls?: boolean;
  /** Extra names or addresses the certificate must carry (`NATS_TLS_HOSTS`). */
  tlsHosts: string[];
  /** The name other machines reach this one by (`NATS_PUBLIC_HOST`, default: the host name). */
  publicHost: string;
  /** The gateway's token key, for its replica env file. */
  jwtSecret: string;
};

export type SecureNats = {
  configFile: string;
  endpoint: NatsEndpoint;
  /** The environment one service's process gets for NATS (its own user only). */
  serviceEnv(service: ServiceName): Record<string, string>;
  admin: { user: "admin"; pass: string };
};

/** Passwords, TLS when the port is opened, the server config and the replica env files. */
export function prepareSecureNats(o: SecureNatsOptions): SecureNats {
  const open = !LOOPBACK.has(o.listen);
  const withTls = open || o.tls === true;
  const passwords = Object.fromEntries(NATS_USERS.map((u) => [u, natsPassword(o.dataDir, u)])) as Record<NatsUser, string>;
  const tls = withTls
    ? ensureNatsTls(o.dataDir, ["localhost", "127.0.0.1", hostname(), o.publicHost, ...o.tlsHosts, ...(o.listen === "0.0.0.0" ? [] : [o.listen])])
    : undefined;
  const hashes = Object.fromEntries(NATS_USERS.map((u) => [u, { bcrypt: natsPasswordHash(passwords[u], natsHashCost(o.dataDir, u, passwords[u])) }])) as Record<
    NatsUser,
    NatsPasswordRef
  >;
  const configFile = join(authDir(o.dataDir), "nats-server.conf");
  writePrivate(
    configFile,
    renderNatsServerConfig({
      header: ["Written by npm start (scripts/nats-secure.ts) at every start; edits are lost."],
      listen: `${o.listen.includes(":") ? `[${o.listen}]` : o.listen}:${o.port}`,
      storeDir: join(o.dataDir, "nats"),
      passwords: hashes,
      ...(tls ? { tls } : {}),
    }),
  );
  const endpoint: NatsEndpoint = { url: `${tls ? "tls" : "nats"}://127.0.0.1:${o.port}`, ...(tls ? { caFile: tls.caFile } : {}) };
  writePrivate(join(authDir(o.dataDir), "server.json"), `${JSON.stringify(endpoint, null, 2)}\n`);
  const serviceEnv = (service: ServiceName): Record<string, string> => ({
    NATS_URL: endpoint.url,
    NATS_USER: service,
    NATS_PASSWORD: passwords[service],
    ...(endpoint.caFile ? { NATS_TLS_CA_FILE: endpoint.caFile } : {}),
  });
  if (tls && open) writeReplicaEnvFiles(o, passwords, tls.caFile);
  else rmSync(replicasDir(o.dataDir), { recursive: true, force: true }); // loopback only: no replica elsewhere can connect
  return { configFile, endpoint, serviceEnv, admin: { user: "admin", pass: passwords.admin } };
}

/**
 * DATA_DIR/replicas/: one env file per service plus the CA, to copy to another machine:
 * `MP4T_ENV_FILE=replicas/transcriber.env npm run service -- transcriber`. A relative
 * NATS_TLS_CA_FILE is read beside the env file.
 */
function writeReplicaEnvFiles(o: SecureNatsOptions, passwords: Record<NatsUser, string>, caFile: string) {
  const dir = replicasDir(o.dataDir);
  privateDir(dir);
  writeFileSync(join(dir, "ca.pem"), readFileSync(caFile));
  for (const service of SERVICE_NAMES) {
    const lines = [
      `# ${service} replica on another machine: copy this file and ca.pem, then`,
      `#   MP4T_ENV_FILE=./${service}.env npm run service -- ${service}`,
      `NATS_URL=tls://${o.publicHost}:${o.port}`,
      `NATS_USER=${service}`,
      `NATS_PASSWORD=${passwords[service]}`,
      "NATS_TLS_CA_FILE=ca.pem",
    ];
    if (service === "gateway") lines.push(`JWT_SECRET=${o.jwtSecret}`);
    writePrivate(join(dir, `${service}.env`), `${lines.join("\n")}\n`);
  }
}

/** KEY=VALUE lines (# comments, optional quotes); a relative NATS_TLS_* path is taken beside the file. */
export function readEnvFile(path: string, baseDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of readFileSync(path, "utf8").split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq < 1) throw new Error(`${path}: not KEY=VALUE: ${line.slice(0, 40)}`);
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    if (/^NATS_TLS_(CA|CERT|KEY)_FILE$/.test(key) && value && !value.startsWith("/")) value = join(baseDir, value);
    out[key] = value;
  }
  return out;
}
