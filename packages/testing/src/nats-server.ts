import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { natsServerBin } from "@mp4t/platform";
import { connect, type NatsConnection } from "@nats-io/transport-node";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export type NatsServer = {
  url: string;
  port: number;
  storeDir: string;
  /** Stops the server, keeping its JetStream data. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data (for restart tests). */
  start(): Promise<void>;
  connect(): Promise<NatsConnection>;
  [Symbol.asyncDispose](): Promise<void>;
};

async function waitForPort(port: number, proc: ChildProcess, stderr: () => string) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`nats-server exited (${proc.exitCode}): ${stderr()}`);
    try {
      const nc = await connect({ servers: `127.0.0.1:${port}`, reconnect: false, timeout: 500 });
      await nc.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`nats-server did not listen on ${port}: ${stderr()}`);
}

/** Starts a real nats-server with JetStream on a free port and a private store directory. */
export async function startNats(opts: { port?: number; storeDir?: string } = {}): Promise<NatsServer> {
  const port = opts.port ?? (await freePort());
  const storeDir = opts.storeDir ?? (await mkdtemp(join(tmpdir(), "mp4t-nats-")));
  const bin = natsServerBin();
  let proc: ChildProcess | undefined;
  let log = "";

  const start = async () => {
    log = "";
    proc = spawn(bin, ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir], { stdio: ["ignore", "ignore", "pipe"] });
    proc.stderr!.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    await waitForPort(port, proc, () => log);
  };
  const stop = async () => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (p.exitCode === null) p.kill("SIGKILL");
  };
  await start();
  const url = `nats://127.0.0.1:${port}`;
  return {
    url, port, storeDir, stop, start,
    connect: () => connect({ servers: url }),
    async [Symbol.asyncDispose]() {
      await stop();
      if (!opts.storeDir) await rm(storeDir, { recursive: true, force: true });
    },
  };
}
