import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toolBin } from "@mp4t/platform";
import { freePort } from "./nats-server.ts";

/** The MinIO that scripts/toolchain.sh built (test tools), else the one on PATH. MINIO_BIN overrides. */
export const minioBin = (env: NodeJS.ProcessEnv = process.env) => toolBin("minio", "MINIO_BIN", env);

export type MinioServer = {
  /** S3 API base URL, e.g. http://127.0.0.1:40123 */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  dataDir: string;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

async function waitForReady(endpoint: string, proc: ChildProcess, log: () => string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`minio exited (${proc.exitCode ?? proc.signalCode}): ${log()}`);
    try {
      const res = await fetch(`${endpoint}/minio/health/ready`, { signal: AbortSignal.timeout(1000) });
      // Ready answers 200 even before the object layer is up, flagging that with this header;
      // requests made then get 503.
      if (res.ok && res.headers.get("x-minio-server-status") !== "offline") return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`minio did not become ready at ${endpoint}: ${log()}`);
}

/**
 * Starts a real single-drive MinIO on free API and console ports with a private data directory.
 * Fails with a message naming the toolchain when the binary is missing (tests must not skip).
 */
export async function startMinio(opts: { accessKey?: string; secretKey?: string } = {}): Promise<MinioServer> {
  const bin = minioBin();
  if (!(bin.includes("/") ? existsSync(bin) : onPath(bin))) {
    throw new Error(
      `minio binary not found (${bin}): run "MP4T_TEST_TOOLS=1 bash scripts/toolchain.sh" (builds MinIO into $MP4T_TOOLS/bin) or set MINIO_BIN`,
    );
  }
  const [port, consolePort] = [await freePort(), await freePort()];
  const dataDir = await mkdtemp(join(tmpdir(), "mp4t-minio-"));
  const accessKey = opts.accessKey ?? "mp4t-test";
  const secretKey = opts.secretKey ?? "mp4t-test-secret";
  let log = "";
  const proc = spawn(
    bin,
    // A certs dir inside the temp dir keeps MinIO from creating ~/.minio.
    ["server", "--quiet", "--address", `127.0.0.1:${port}`, "--console-address", `127.0.0.1:${consolePort}`,
      "--certs-dir", join(dataDir, ".certs"), join(dataDir, "data")],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, MINIO_ROOT_USER: accessKey, MINIO_ROOT_PASSWORD: secretKey, MINIO_UPDATE: "off" },
    },
  );
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-4000));
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  const spawnFailed = new Promise<never>((_, reject) => proc.once("error", (e) => reject(new Error(`cannot start ${bin}: ${e.message}`))));

  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitForReady(endpoint, proc, () => log), spawnFailed]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, accessKey, secretKey, dataDir, stop, [Symbol.asyncDispose]: stop };
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? "").split(":").some((d) => d && existsSync(join(d, name)));
}
