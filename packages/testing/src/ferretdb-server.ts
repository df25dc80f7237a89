import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toolBin } from "@mp4t/runtime";
import { freePort } from "./nats-server.ts";

/** The FerretDB that scripts/toolchain.sh built (test tools), else the one on PATH. FERRETDB_BIN overrides. */
export const ferretDbBin = (env: NodeJS.ProcessEnv = process.env) => toolBin("ferretdb", "FERRETDB_BIN", env);

export type FerretDbOptions = {
  /** Its PostgreSQL backend's database URL (the database must exist); default: SQLite in a temp dir. */
  postgresqlUrl?: string;
  /**
   * A user set up at start in FerretDB's own user store (its "new authentication", SCRAM), as
   * docker-compose.yml runs it: clients must authenticate; `url` carries the credentials.
   */
  user?: { database: string; username: string; password: string };
};

export type FerretDbServer = {
  /** mongodb:// URL without a database; callers pick theirs (with `user`: credentials and authSource). */
  url: string;
  port: number;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

const MISSING =
  "ferretdb is not installed: run `MP4T_TEST_TOOLS=1 bash scripts/toolchain.sh` (it builds FerretDB v1 into $MP4T_TOOLS/bin), or set FERRETDB_BIN";

// The smallest OP_MSG `{ping: 1, $db: "admin"}`: a reply proves the server speaks the wire protocol,
// which a bare TCP accept does not (the listener can open before the backend is ready).
function pingMessage(): Buffer {
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return b;
  };
  const body = Buffer.concat([
    Buffer.from([0x10]),
    Buffer.from("ping\0"),
    int32(1),
    Buffer.from([0x02]),
    Buffer.from("$db\0"),
    int32(6),
    Buffer.from("admin\0"),
    Buffer.from([0x00]),
  ]);
  const doc = Buffer.concat([int32(body.length + 4), body]);
  const OP_MSG = 2013;
  const payload = Buffer.concat([int32(0), Buffer.from([0]), doc]); // flagBits, section kind 0, document
  return Buffer.concat([int32(16 + payload.length), int32(1), int32(0), int32(OP_MSG), payload]);
}

function wirePing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write(pingMessage()));
    let got = Buffer.alloc(0);
    socket.on("data", (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 16 && got.length >= got.readInt32LE(0)) done(got.readInt32LE(12) === 2013);
    });
  });
}

/**
 * Starts a real FerretDB v1 (MongoDB wire protocol) on a free port: on its SQLite backend in a temp
 * dir, or on the PostgreSQL database `postgresqlUrl` names.
 */
export async function startFerretDb(options: FerretDbOptions = {}): Promise<FerretDbServer> {
  const bin = ferretDbBin();
  if (bin.includes("/") && !existsSync(bin)) throw new Error(`${MISSING} (looked for ${bin})`);
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "mp4t-ferretdb-"));
  const backend = options.postgresqlUrl
    ? ["--handler=postgresql", `--postgresql-url=${options.postgresqlUrl}`]
    : ["--handler=sqlite", `--sqlite-url=file:${dir}/`];
  const args = [...backend, `--state-dir=${dir}`, `--listen-addr=127.0.0.1:${port}`, "--debug-addr=-", "--telemetry=disable", "--log-level=WARN"];
  // The password goes by environment, not argv (ps shows argv to every user).
  const { user } = options;
  const env = user
    ? {
        ...process.env,
        FERRETDB_TEST_ENABLE_NEW_AUTH: "true",
        FERRETDB_SETUP_DATABASE: user.database,
        FERRETDB_SETUP_USERNAME: user.username,
        FERRETDB_SETUP_PASSWORD: user.password,
      }
    : process.env;
  let log = "";
  let spawnError: Error | undefined;
  const proc: ChildProcess = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"], env });
  proc.once("error", (err) => (spawnError = err));
  proc.stderr!.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));

  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null && !spawnError) {
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(
        (spawnError as NodeJS.ErrnoException).code === "ENOENT" ? `${MISSING} (looked for ${bin})` : `ferretdb failed to start: ${spawnError.message}`,
      );
    }
    if (proc.exitCode !== null) {
      await stop();
      throw new Error(`ferretdb exited (${proc.exitCode}): ${log}`);
    }
    if (await wirePing(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`ferretdb did not answer on port ${port}: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = user
    ? `mongodb://${encodeURIComponent(user.username)}:${encodeURIComponent(user.password)}@127.0.0.1:${port}/?authSource=${encodeURIComponent(user.database)}`
    : `mongodb://127.0.0.1:${port}`;
  return { url, port, stop, [Symbol.asyncDispose]: stop };
}
