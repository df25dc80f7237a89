import { connect, errors, type ConnectionOptions, type NatsConnection } from "@nats-io/transport-node";
import { maskUrlCredentials, type Logger } from "@mp4t/runtime";
import { inboxPrefix } from "./nats-permissions.ts";

export type NatsTlsOptions = { caFile?: string | undefined; certFile?: string | undefined; keyFile?: string | undefined };

export type ConnectNatsOptions = {
  servers: string;
  name: string;
  logger: Logger;
  /** NATS user (`NATS_USER`): also names the connection's private inbox prefix. */
  user?: string | undefined;
  password?: string | undefined;
  /** Set (even empty): TLS required; `caFile` is the CA that signed the server's certificate. */
  tls?: NatsTlsOptions | undefined;
  /** Give up when no server answers for this long (default: never, a service waits for NATS). */
  firstConnectTimeoutMs?: number;
};

/** Credentials were refused: retrying cannot help, so a service exits with EX_CONFIG. */
export class NatsAuthError extends Error {
  readonly code = "NATS_AUTH";
  constructor(user: string | undefined, cause: unknown) {
    super(
      `NATS refused the credentials of user "${user ?? "(none)"}": check NATS_USER and NATS_PASSWORD ` +
        `(npm start writes them under DATA_DIR; see README "Configuration")`,
      { cause },
    );
    this.name = "NatsAuthError";
  }
}

/** The server's certificate is not trusted, or a TLS file is missing: settings, not a network blip. */
export class NatsTlsError extends Error {
  readonly code = "NATS_TLS";
  constructor(cause: unknown) {
    super(
      `NATS TLS failed: ${String((cause as Error)?.message ?? cause)}; check NATS_TLS_CA_FILE (the CA that signed the server's certificate) and NATS_URL's host name`,
      { cause },
    );
    this.name = "NatsTlsError";
  }
}

const isTlsError = (err: unknown) => {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const text = `${e?.message ?? ""} ${e?.code ?? ""} ${e?.cause?.message ?? ""} ${e?.cause?.code ?? ""}`;
  return /certificate|self[- ]signed|CERT_|ERR_TLS|altnames|ENOENT/i.test(text);
};

const isAuthError = (err: unknown) =>
  err instanceof errors.AuthorizationError || /authorization violation|authentication/i.test(String((err as Error)?.message));

/** `tls://host:port` means TLS is required; nats.js takes that as an option, not a scheme. */
export function parseNatsServers(servers: string): { servers: string[]; tls: boolean } {
  const list = servers
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return { servers: list.map((s) => s.replace(/^tls:\/\//, "nats://")), tls: list.some((s) => s.startsWith("tls://")) };
}

/**
 * Connects with unlimited reconnects: a NATS restart must never take a service down. Until the
 * first connection it retries while no server answers, but refused credentials fail at once
 * (NatsAuthError), never an endless loop. Each user gets its own inbox prefix, which the server's
 * permissions let only that user subscribe to.
 */
export async function connectNats(opts: ConnectNatsOptions): Promise<NatsConnection> {
  const parsed = parseNatsServers(opts.servers);
  const tls = opts.tls || parsed.tls ? (Object.fromEntries(Object.entries(opts.tls ?? {}).filter(([, v]) => v)) as ConnectionOptions["tls"]) : undefined;
  const options: ConnectionOptions = {
    servers: parsed.servers,
    name: opts.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // Otherwise every request builds an Error up front for its stack (a few per cent of a
    // worker's CPU per job in profiles); failures still carry their names and codes.
    noAsyncTraces: true,
    ...(opts.user ? { inboxPrefix: inboxPrefix(opts.user) } : {}),
    ...(opts.user && opts.password ? { user: opts.user, pass: opts.password } : {}),
    ...(tls ? { tls } : {}),
  };
  const deadline = Date.now() + (opts.firstConnectTimeoutMs ?? Number.POSITIVE_INFINITY);
  let nc: NatsConnection | undefined;
  let warned = 0;
  while (!nc) {
    try {
      nc = await connect(options);
    } catch (err) {
      if (isAuthError(err)) throw new NatsAuthError(opts.user, err);
      if (isTlsError(err)) throw new NatsTlsError(err);
      if (Date.now() > deadline) throw err;
      if (Date.now() - warned > 10_000) {
        warned = Date.now();
        opts.logger.warn({ servers: parsed.servers.map(maskUrlCredentials), err: String((err as Error)?.message) }, "waiting for NATS");
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const conn = nc;
  void (async () => {
    for await (const s of conn.status()) {
      if (s.type === "disconnect" || s.type === "reconnect" || s.type === "error") {
        const error = "error" in s ? String((s.error as Error)?.message ?? s.error) : undefined;
        opts.logger.warn({ natsStatus: s.type, server: "server" in s ? s.server : undefined, ...(error ? { error } : {}) }, "nats connection status");
      }
    }
  })();
  return conn;
}
