import type { ServiceName } from "@mp4t/contracts";
import { freePort, startNats, type NatsServer } from "@mp4t/testing";
import { superviseService } from "../../scripts/launcher.ts";

export type Replica = { name: ServiceName; index: number; readonly pid: number | undefined; stop(graceMs: number): Promise<void> };

export type Cluster = {
  url: string;
  nats: NatsServer;
  admin: { email: string; password: string };
  replicas: Replica[];
  /** Supervisor lines (exits, restarts) and each replica's stderr tail, for failure messages. */
  log(): string;
  /** SIGKILLs one replica's current process; its supervisor restarts it, as in production. */
  kill(replica: Replica): boolean;
  /** Stops nats-server and starts it again on the same port with the same store. */
  restartNats(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * nats-server plus N supervised replicas of each service as real processes, so a test can SIGKILL
 * one worker process and watch the system heal (scripts/launcher.ts restarts it with backoff).
 */
export async function startCluster(opts: { replicas: Partial<Record<ServiceName, number>>; env?: Record<string, string> }): Promise<Cluster> {
  // The permission table's server: every replica connects as its own service's NATS user.
  const nats = await startNats({ auth: true });
  const port = await freePort();
  const admin = { email: "admin@chaos.test", password: "chaos-admin-password" };
  const lines: string[] = [];
  const log = (line: string) => void lines.push(`${new Date().toISOString()} ${line}`);
  const { METRICS_PORT: _m, OTEL_EXPORTER_OTLP_ENDPOINT: _o, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    NATS_URL: nats.url,
    PORT: String(port),
    HOST: "127.0.0.1",
    JWT_SECRET: "chaos-test-secret-chaos-test-secret-0123456789",
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "error",
    SHUTDOWN_GRACE_SEC: "5",
    PASSWORD_HASH_COST: "14", // as in tests/e2e/system.ts: the hash cost is not under test here
    ...opts.env,
  };
  const replicas: Replica[] = [];
  for (const [name, count] of Object.entries(opts.replicas) as [ServiceName, number][]) {
    for (let index = 0; index < count; index++) {
      const creds = { NATS_USER: name, NATS_PASSWORD: nats.credentials![name].pass };
      const s = superviseService(name, { ...env, ...creds }, (l) => log(`${name}#${index}: ${l}`));
      replicas.push({
        name,
        index,
        get pid() {
          return s.pid;
        },
        stop: (g) => s.stop(g),
      });
    }
  }
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (
    !(await fetch(`${url}/ready`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error(`cluster not ready in time:\n${lines.join("\n")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    nats,
    admin,
    replicas,
    log: () => lines.join("\n"),
    kill(replica) {
      const pid = replica.pid;
      if (!pid) return false;
      try {
        process.kill(pid, "SIGKILL");
        log(`chaos: SIGKILL ${replica.name}#${replica.index} (pid ${pid})`);
        return true;
      } catch {
        return false; // between a death and its restart
      }
    },
    async restartNats() {
      log("chaos: restarting nats-server");
      await nats.stop();
      await nats.start();
    },
    async stop() {
      await Promise.all(replicas.map((r) => r.stop(7000)));
      await nats[Symbol.asyncDispose]();
    },
  };
}
