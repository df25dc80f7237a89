/**
 * Every profile's env files boot real services: the gateway (which creates the streams, as compose
 * starts it first) and then the janitor (the simplest worker), each as its own process with
 * deploy/compose/<profile>.env and then deploy/profiles/<profile>.env (its env_file in compose) as
 * its environment. NATS is configured as compose runs it in that profile: per-service users and
 * TLS with deploy/tls/make-certs.sh's certificates, on a three-node cluster with mutual-TLS routes
 * where the profile replicates JetStream three times. Catches a variable a profile sets that a
 * service refuses, or that loads something not installed (LOG_PRETTY=true needs pino-pretty).
 */
import { watchStart } from "./service-process.ts";
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsTlsFiles, NatsUser } from "@mp4t/messaging/internal";
import { freePort, startNats, startNatsCluster } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, readEnvFile } from "./compose.ts";

const PROFILES = ["development", "staging", "production"] as const;

let dir: string;
let tls: NatsTlsFiles;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mp4t-profiles-boot-"));
  const certs = join(dir, "tls");
  mkdirSync(certs);
  execFileSync("sh", [join(ROOT, "deploy", "tls", "make-certs.sh"), certs], { stdio: "ignore", timeout: 60_000 });
  tls = { caFile: join(certs, "ca.pem"), certFile: join(certs, "server.pem"), keyFile: join(certs, "server-key.pem") };
}, 90_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function bootService(service: "gateway" | "janitor", env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [join(ROOT, "services", service, "src", "main.ts")], { env, stdio: ["ignore", "pipe", "pipe"] });
  return watchStart(child, service);
}

// The three profiles at once: each has its own servers, ports and directory, and most of a boot is waiting.
describe("each profile's env files", () => {
  it.concurrent.each(PROFILES)(
    "%s: boot the janitor against a real nats-server, which then stops cleanly",
    async (profile) => {
      const vars = {
        ...readEnvFile(join(ROOT, "deploy", "compose", `${profile}.env`)),
        ...readEnvFile(join(ROOT, "deploy", "profiles", `${profile}.env`)),
      };
      const replicas = Number(vars.JETSTREAM_REPLICAS ?? 1);
      const cluster = replicas > 1 ? await startNatsCluster(replicas, { auth: true, tls }) : undefined;
      const single = cluster ? undefined : await startNats({ auth: true, tls });
      const dataDir = mkdtempSync(join(dir, `${profile}-`));
      try {
        const natsUrl = cluster ? cluster.nodes.map((n) => n.url).join(",") : single!.url;
        const credentials = (cluster ?? single)!.credentials!;
        if (cluster) await cluster.metaLeader();
        // As compose gives each service its own NATS user, the CA and a tls:// URL.
        const envFor = (user: NatsUser) => ({
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...vars,
          LOG_LEVEL: "info",
          NATS_URL: natsUrl,
          NATS_USER: user,
          NATS_PASSWORD: credentials[user].pass,
          NATS_TLS_CA_FILE: tls.caFile,
        });
        // The stores stay the embedded NATS ones here: compose's MongoDB and S3 are not the subject.
        const gateway = await bootService("gateway", {
          ...envFor("gateway"),
          JWT_SECRET: randomBytes(36).toString("base64url"),
          PORT: String(await freePort()),
          HOST: "127.0.0.1",
          DATA_DIR: dataDir,
        });
        try {
          expect(gateway.started, gateway.out()).toBe(true);
          const janitor = await bootService("janitor", envFor("janitor"));
          try {
            expect(janitor.started, janitor.out()).toBe(true);
            if (vars.LOG_PRETTY === "true") expect(janitor.out()).toMatch(/INFO.*\[janitor\] janitor started/);
            else expect(janitor.out()).toContain('"msg":"janitor started"');
            expect(await janitor.stop(), janitor.out()).toBe(0);
          } finally {
            await janitor.stop();
          }
          // A stop that arrives while the service is still starting (here: at its first log line)
          // is held until the start ends, then drains: exit 0, not death by the signal.
          const early = spawn(process.execPath, [join(ROOT, "services", "janitor", "src", "main.ts")], {
            env: envFor("janitor"),
            stdio: ["ignore", "pipe", "pipe"],
          });
          let earlyOut = "";
          early.stderr.on("data", (d: Buffer) => (earlyOut += d.toString()));
          early.stdout.once("data", () => early.kill("SIGTERM"));
          early.stdout.on("data", (d: Buffer) => (earlyOut += d.toString()));
          const [code, signal] = (await once(early, "exit")) as [number | null, string | null];
          expect(code ?? signal, earlyOut).toBe(0);
          expect(earlyOut).toMatch(/shutting down/);
          expect(await gateway.stop(), gateway.out()).toBe(0);
        } finally {
          await gateway.stop(); // a second stop only awaits the exit
        }
      } finally {
        await single?.[Symbol.asyncDispose]();
        await cluster?.[Symbol.asyncDispose]();
      }
    },
    120_000,
  );
});
