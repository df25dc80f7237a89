/**
 * Renders a nats-server configuration from the permission table: the one `npm start` writes
 * under DATA_DIR (bcrypt hashes), and the committed deploy/nats/*.conf (passwords read from the
 * server's environment). Same table, same users, so what tests prove holds in every deployment.
 */
import bcrypt from "bcryptjs";
import { NATS_USERS, natsPermissions, type NatsUser } from "./nats-permissions.ts";

/** A password as the config holds it: a bcrypt hash, or a reference to an environment variable. */
export type NatsPasswordRef = { bcrypt: string } | { env: string };

export type NatsTlsFiles = { certFile: string; keyFile: string; caFile: string };

export type NatsServerConfigOptions = {
  /** `host:port` clients connect to. */
  listen: string;
  storeDir: string;
  passwords: Record<NatsUser, NatsPasswordRef>;
  /** HTTP monitoring port (`/healthz`, `/jsz`); unset: none. */
  monitorPort?: number;
  /** Clients must use TLS with this server certificate. */
  tls?: NatsTlsFiles;
  /** A clustered server: routes use mutual TLS (each node's certificate is its credential). */
  cluster?: { name: string; listen: string; routes: string[]; tls: NatsTlsFiles };
  /** Lines at the top, e.g. where the file comes from. */
  header?: string[];
};

/** The environment variable a committed config reads a user's password from. */
export const passwordEnv = (user: NatsUser) => `NATS_${user.toUpperCase()}_PASSWORD`;

const q = (s: string) => JSON.stringify(s);
const list = (xs: string[], indent: string) => `[\n${xs.map((x) => `${indent}  ${q(x)},`).join("\n")}\n${indent}]`;

function tlsBlock(t: NatsTlsFiles, indent: string, verify: boolean): string {
  return [
    `${indent}tls {`,
    `${indent}  cert_file: ${q(t.certFile)}`,
    `${indent}  key_file: ${q(t.keyFile)}`,
    `${indent}  ca_file: ${q(t.caFile)}`,
    ...(verify ? [`${indent}  verify: true`] : []),
    `${indent}  timeout: 5`,
    `${indent}}`,
  ].join("\n");
}

function userBlock(user: NatsUser, password: NatsPasswordRef): string {
  const pw = "bcrypt" in password ? q(password.bcrypt) : `$${password.env}`; // unquoted: read from the environment
  const p = natsPermissions(user);
  const lines = [`    {`, `      user: ${q(user)}`, `      password: ${pw}`];
  if (p) {
    lines.push(
      `      permissions: {`,
      `        publish: { allow: ${list(p.publish.allow, "        ")} }`,
      `        subscribe: { allow: ${list(p.subscribe.allow, "        ")} }`,
      `        allow_responses: ${p.allow_responses}`,
      `      }`,
    );
  }
  lines.push(`    }`);
  return lines.join("\n");
}

export function renderNatsServerConfig(o: NatsServerConfigOptions): string {
  const out = [
    ...(o.header ?? []).map((l) => `# ${l}`),
    `listen: ${q(o.listen)}`,
    ...(o.monitorPort !== undefined ? [`http_port: ${o.monitorPort}`] : []),
    `jetstream {`,
    `  store_dir: ${q(o.storeDir)}`,
    `}`,
    ...(o.tls ? [tlsBlock(o.tls, "", false)] : []),
    `authorization {`,
    `  users: [`,
    ...NATS_USERS.map((u) => userBlock(u, o.passwords[u])),
    `  ]`,
    `}`,
  ];
  if (o.cluster) {
    out.push(
      `cluster {`,
      `  name: ${q(o.cluster.name)}`,
      `  listen: ${q(o.cluster.listen)}`,
      `  routes: ${list(o.cluster.routes, "  ")}`,
      tlsBlock(o.cluster.tls, "  ", true),
      `}`,
    );
  }
  return `${out.join("\n")}\n`;
}

/** The container TLS paths of the NATS contract. */
export const CONTAINER_TLS: NatsTlsFiles = {
  certFile: "/etc/nats/tls/server.pem",
  keyFile: "/etc/nats/tls/server-key.pem",
  caFile: "/etc/nats/tls/ca.pem",
};

const envPasswords = Object.fromEntries(NATS_USERS.map((u) => [u, { env: passwordEnv(u) }])) as Record<NatsUser, NatsPasswordRef>;

/**
 * deploy/nats/nats.conf (single server) and deploy/nats/nats-cluster.conf (three nodes), as
 * committed; docker-compose.yml and deploy/kubernetes mount them.
 */
export function deployNatsConfigs(): { "nats.conf": string; "nats-cluster.conf": string } {
  const header = (what: string) => [
    `${what}.`,
    "GENERATED from packages/messaging/src/nats-permissions.ts by `node scripts/nats-deploy-config.ts`;",
    "do not edit (a test compares it with the generator).",
    "Passwords come from the server's environment (NATS_<USER>_PASSWORD); TLS files are mounted",
    "at /etc/nats/tls/{ca.pem,server.pem,server-key.pem}. Clients must use TLS and credentials.",
  ];
  const base = { listen: "0.0.0.0:4222", storeDir: "/data", monitorPort: 8222, passwords: envPasswords, tls: CONTAINER_TLS };
  const cluster = renderNatsServerConfig({
    ...base,
    header: [
      ...header("Three-node JetStream cluster (compose production profile, Kubernetes)"),
      "Routes use mutual TLS: every node presents server.pem (EKU serverAuth and clientAuth, SANs",
      "nats-1, nats-2, nats-3) and accepts only peers whose certificate the same CA signed.",
      "Start each node with `--name nats-N`.",
    ],
    cluster: {
      name: "mp4t",
      listen: "0.0.0.0:6222",
      routes: ["nats://nats-1:6222", "nats://nats-2:6222", "nats://nats-3:6222"],
      tls: CONTAINER_TLS,
    },
  });
  return {
    "nats.conf": renderNatsServerConfig({ ...base, header: header("Single nats-server for compose (development, staging)") }),
    "nats-cluster.conf": cluster,
  };
}

/** bcrypt as nats-server checks it (`$2a$`; bcryptjs writes the equivalent `$2b$`). Cost 11: ~0.1 s a login (see `natsHashCost` in scripts/nats-secure.ts). */
export function natsPasswordHash(password: string, cost = 11): string {
  return bcrypt.hashSync(password, cost).replace(/^\$2b\$/, "$2a$");
}
