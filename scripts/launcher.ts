import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// Narrow entry points: the supervisor stays resident all along, and the full contracts, runtime and messaging
// (zod, NATS clients, OpenTelemetry, prom-client) would weigh some 60 MiB in it.
import { SERVICE_NAMES, type ServiceName } from "@mp4t/contracts/subjects";
import { natsServerBin } from "@mp4t/runtime/toolchain";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

export const isServiceName = (s: string): s is ServiceName => (SERVICE_NAMES as readonly string[]).includes(s);

export const serviceEntry = (name: ServiceName) => join(ROOT, "services", name, "src", "main.ts");

/**
 * Keeps one service process running: restarts it with backoff if it dies unexpectedly,
 * stops it with SIGTERM (then SIGKILL after the grace period) when asked.
 */
export function superviseService(name: ServiceName, env: NodeJS.ProcessEnv, log: (line: string) => void, onFatal?: (name: ServiceName) => void) {
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;
  const run = () => {
    const started = Date.now();
    child = spawn(process.execPath, [serviceEntry(name)], { env, stdio: ["ignore", "inherit", "inherit"] });
    child.once("exit", (code, signal) => {
      if (stopping) return;
      if (code === 78) {
        log(`${name} has an invalid configuration (see above); not restarting it`);
        onFatal?.(name);
        return;
      }
      restarts = Date.now() - started > 60_000 ? 0 : restarts + 1;
      const delay = Math.min(30_000, 500 * 2 ** restarts);
      log(`${name} exited (${signal ?? code}); restarting in ${delay} ms`);
      setTimeout(() => !stopping && run(), delay).unref();
    });
  };
  run();
  return {
    name,
    get pid() {
      return child?.pid;
    },
    async stop(graceMs: number) {
      stopping = true;
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = once(c, "exit");
      c.kill("SIGTERM");
      const timer = setTimeout(() => c.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Starts nats-server from a config file (scripts/nats-secure.ts writes it: listen address, store,
 * users and permissions, TLS); resolves once it accepts `probe`'s credentials.
 */
export async function startNatsServer(opts: {
  configFile: string;
  url: string;
  probe: { user: string; pass: string; caFile?: string | undefined };
  log: (line: string) => void;
}) {
  const proc = spawn(natsServerBin(), ["-c", opts.configFile], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  const { connect } = await import("@nats-io/transport-node");
  const { parseNatsServers } = await import("@mp4t/messaging/internal");
  const { servers, tls } = parseNatsServers(opts.url);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`nats-server exited with ${proc.exitCode}:\n${stderr}`);
    try {
      const nc = await connect({
        servers,
        reconnect: false,
        timeout: 500,
        user: opts.probe.user,
        pass: opts.probe.pass,
        ...(tls ? { tls: opts.probe.caFile ? { caFile: opts.probe.caFile } : {} } : {}),
      });
      await nc.close();
      break;
    } catch (err) {
      if (/authorization|certificate/i.test(String((err as Error).message))) throw new Error(`nats-server refused the launcher: ${(err as Error).message}`);
      if (Date.now() > deadline) throw new Error(`nats-server did not start:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url: opts.url,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = once(proc, "exit");
      proc.kill("SIGTERM");
      await exited;
    },
  };
}
