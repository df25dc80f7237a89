import { randomBytes } from "node:crypto";
import { watchStart } from "./service-process.ts";
/**
 * The image's contents without a container engine: the Dockerfile's deps stage (its manifests
 * only, `pnpm install --frozen-lockfile --prod`), then the source as .dockerignore lets it into the
 * build context, in a temp dir; then the gateway and then a worker (it waits for the gateway's
 * streams) start from that tree through the image's entrypoint with NODE_ENV=production against a
 * real nats-server as production runs it (per-service users, TLS with deploy/tls/make-certs.sh's
 * certificates), and the image's health check passes on each. Catches a runtime import of a devDependency, a file the image leaves out,
 * and a health check that does not match what the service serves.
 */
import { execFile, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { NatsUser } from "@mp4t/messaging/internal";
import { freePort, startNats, type NatsServer } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./compose.ts";
import { dockerIgnore, parseDockerfile } from "./dockerfile.ts";

const run = promisify(execFile);
let app: string;
let nats: NatsServer;

beforeAll(async () => {
  app = mkdtempSync(join(tmpdir(), "mp4t-image-"));
  const deps = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8")).find((s) => s.name === "deps")!;
  const install = deps.instructions.findIndex((i) => i.op === "RUN" && /pnpm install/.test(i.args));
  for (const copy of deps.instructions.slice(0, install).filter((i) => i.op === "COPY")) {
    const parts = copy.args.split(/\s+/);
    const dest = parts.at(-1)!;
    for (const src of parts.slice(0, -1)) {
      const to = join(app, dest.endsWith("/") ? join(dest, src.split("/").at(-1)!) : dest === "./" ? src : dest);
      mkdirSync(dirname(to), { recursive: true });
      cpSync(join(ROOT, src), to);
    }
  }
  const pnpmArgs = deps.instructions[install]!.args.replace(/^pnpm\s+/, "").split(/\s+/);
  await run("pnpm", pnpmArgs, { cwd: app, timeout: 120_000 });
  const ignored = dockerIgnore(readFileSync(join(ROOT, ".dockerignore"), "utf8"));
  const { stdout } = await run("git", ["ls-files", "-co", "--exclude-standard"], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  for (const file of stdout.split("\n").filter((f) => f && !ignored(f))) {
    mkdirSync(dirname(join(app, file)), { recursive: true });
    cpSync(join(ROOT, file), join(app, file));
  }
  const certs = `${app}-tls`;
  mkdirSync(certs);
  await run("sh", [join(ROOT, "deploy", "tls", "make-certs.sh"), certs], { timeout: 60_000 });
  nats = await startNats({ auth: true, tls: { caFile: join(certs, "ca.pem"), certFile: join(certs, "server.pem"), keyFile: join(certs, "server-key.pem") } });
}, 180_000);

afterAll(async () => {
  await nats?.[Symbol.asyncDispose]();
  if (app) for (const dir of [app, `${app}-tls`]) rmSync(dir, { recursive: true, force: true });
});

/**
 * The runtime image's own settings from its ENV lines (and its base stage's): NODE_ENV and the
 * memory settings (malloc, NODE_OPTIONS), so the services start with them as in a container. Ports
 * and MP4T_SERVICE are left to each test.
 */
const IMAGE_ENV: Record<string, string> = (() => {
  const stages = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
  const runtime = stages.find((st) => st.name === "runtime")!;
  const chain = [...stages.filter((st) => st.name === runtime.from), runtime];
  const pairs = chain.flatMap((st) => st.instructions.filter((i) => i.op === "ENV").flatMap((i) => i.args.split(/\s+/)));
  const env = Object.fromEntries(pairs.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
  return Object.fromEntries(Object.entries(env).filter(([k]) => k === "NODE_ENV" || k === "NODE_OPTIONS" || k.startsWith("MALLOC_")));
})();

/**
 * Starts a service from the image tree as the image's ENTRYPOINT does (tini aside), with its own
 * NATS user, the CA and a tls:// URL, as compose and the Kubernetes manifests give it.
 */
async function startService(service: NatsUser, env: Record<string, string>) {
  const natsEnv = { NATS_URL: nats.url, NATS_USER: service, NATS_PASSWORD: nats.credentials![service].pass, NATS_TLS_CA_FILE: nats.caFile! };
  const child = spawn("sh", [join(app, "deploy", "docker", "entrypoint.sh")], {
    // cwd: the image's WORKDIR (the gateway's embedded search index goes under DATA_DIR=data there).
    cwd: app,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...IMAGE_ENV, ...natsEnv, MP4T_SERVICE: service, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const watched = await watchStart(child, service);
  // The entrypoint execs node, so the child's pid is the service's: its environment as it runs.
  const environ = () => readFileSync(`/proc/${child.pid}/environ`, "utf8").split("\0");
  return { ...watched, environ };
}

const healthcheck = (env: Record<string, string>) =>
  run(process.execPath, [join(app, "deploy", "docker", "healthcheck.mjs")], { env: { PATH: process.env.PATH!, ...env } });

describe("the image's file tree (deps stage + .dockerignore'd source)", () => {
  it("holds no devDependency", () => {
    const modules = JSON.parse(readFileSync(join(app, "node_modules", ".modules.yaml"), "utf8")) as { included: Record<string, boolean> };
    expect(modules.included).toMatchObject({ dependencies: true, devDependencies: false });
    const installed = readdirSync(join(app, "node_modules", ".pnpm"));
    for (const dev of ["vitest@", "typescript@", "playwright-core@"])
      expect(
        installed.filter((d) => d.startsWith(dev)),
        dev,
      ).toEqual([]);
  });

  it("starts the gateway and a worker in production through its entrypoint, with the image's memory settings, and its health check passes", async () => {
    // The services below run with these (Node refuses to start on a NODE_OPTIONS flag it does not allow).
    expect(IMAGE_ENV).toEqual({ NODE_ENV: "production", MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "32768", NODE_OPTIONS: "--max-semi-space-size=16" });
    const [port, metrics] = [await freePort(), await freePort()];
    const gateway = await startService("gateway", {
      PORT: String(port),
      HOST: "127.0.0.1",
      JWT_SECRET: randomBytes(36).toString("base64url"),
      ADMIN_EMAIL: "admin@image.test",
      ADMIN_PASSWORD: randomBytes(18).toString("base64url"),
      METRICS_PORT: String(await freePort()),
    });
    const janitor = await startService("janitor", { METRICS_PORT: String(metrics), METRICS_HOST: "127.0.0.1" });
    try {
      expect(gateway.started, gateway.out()).toBe(true);
      expect(janitor.started, janitor.out()).toBe(true);
      // The gateway's hashes and uploads' file I/O get libuv's pool of 8, as under npm start; workers keep the default.
      expect(gateway.environ()).toContain("UV_THREADPOOL_SIZE=8");
      expect(janitor.environ().filter((v) => v.startsWith("UV_THREADPOOL_SIZE="))).toEqual([]);
      await healthcheck({ MP4T_SERVICE: "gateway", PORT: String(port) });
      await healthcheck({ MP4T_SERVICE: "janitor", METRICS_PORT: String(metrics) });
    } finally {
      expect(await gateway.stop(), gateway.out()).toBe(0);
      expect(await janitor.stop(), janitor.out()).toBe(0);
    }
  });
});
