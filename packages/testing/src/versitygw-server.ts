import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toolBin } from "@mp4t/runtime";
import { freePort } from "./nats-server.ts";

/** The versitygw that scripts/toolchain.sh built (test tools), else the one on PATH. VERSITYGW_BIN overrides. */
export const versityGwBin = (env: NodeJS.ProcessEnv = process.env) => toolBin("versitygw", "VERSITYGW_BIN", env);

export type S3Server = {
  /** S3 API base URL, e.g. http://127.0.0.1:40123 */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  dataDir: string;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

const MISSING =
  'versitygw is not installed: run "MP4T_TEST_TOOLS=1 bash scripts/toolchain.sh" (it builds versitygw into $MP4T_TOOLS/bin), or set VERSITYGW_BIN';
const HEALTH = "/health";

async function waitForReady(endpoint: string, proc: ChildProcess, log: () => string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`versitygw exited (${proc.exitCode ?? proc.signalCode}): ${log()}`);
    try {
      const res = await fetch(`${endpoint}${HEALTH}`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`versitygw did not become ready at ${endpoint}: ${log()}`);
}

/**
 * Starts a real versitygw (Apache-2.0 S3 gateway) with its posix backend over a private temp
 * directory, on a free port, with root keys generated for this run. Object metadata goes to a
 * sidecar directory, so the temp filesystem needs no extended attributes. Fails with a message
 * naming the toolchain when the binary is missing (tests must not skip).
 */
export async function startVersityGw(opts: { accessKey?: string; secretKey?: string } = {}): Promise<S3Server> {
  const bin = versityGwBin();
  if (!(bin.includes("/") ? existsSync(bin) : onPath(bin))) throw new Error(`${MISSING} (looked for ${bin})`);
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), "mp4t-versitygw-"));
  const [objects, sidecar] = [join(dataDir, "objects"), join(dataDir, "meta")];
  await Promise.all([mkdir(objects), mkdir(sidecar)]);
  const accessKey = opts.accessKey ?? `mp4t${randomBytes(6).toString("hex")}`;
  const secretKey = opts.secretKey ?? randomBytes(24).toString("hex");
  let log = "";
  const proc = spawn(
    bin,
    ["--port", `127.0.0.1:${port}`, "--health", HEALTH, "--quiet", "posix", "--sidecar", sidecar, objects],
    // Keys through the environment, not argv, where `ps` would show them.
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ROOT_ACCESS_KEY_ID: accessKey, ROOT_SECRET_ACCESS_KEY: secretKey } },
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
