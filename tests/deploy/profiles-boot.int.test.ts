/**
 * Every profile's env files boot a real service: the janitor (the simplest) as its own process,
 * with deploy/compose/<profile>.env and then deploy/profiles/<profile>.env (its env_file in
 * compose) as its environment, against a real nats-server (a three-node cluster where the profile
 * replicates JetStream three times). Catches a variable a profile sets that the service refuses,
 * or that loads something not installed (LOG_PRETTY=true needs pino-pretty).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { startNats, startNatsCluster } from "@mp4t/testing";
import { describe, expect, it } from "vitest";
import { ROOT, readEnvFile } from "./compose.ts";

const PROFILES = ["development", "staging", "production"] as const;

async function bootJanitor(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [join(ROOT, "services", "janitor", "src", "main.ts")], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = once(child, "exit") as Promise<[number | null, string | null]>;
  try {
    const started = await Promise.race([
      new Promise<boolean>((resolve) => child.stdout!.on("data", () => out.includes("janitor started") && resolve(true))),
      exited.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 30_000).unref()),
    ]);
    return {
      started, out: () => out,
      async stop() {
        child.kill("SIGTERM");
        const [code, signal] = await exited;
        return code ?? signal;
      },
    };
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
}

describe.each(PROFILES)("the %s profile's env files", (profile) => {
  it("boot the janitor against a real nats-server, which then stops cleanly", async () => {
    const vars = {
      ...readEnvFile(join(ROOT, "deploy", "compose", `${profile}.env`)),
      ...readEnvFile(join(ROOT, "deploy", "profiles", `${profile}.env`)),
    };
    const replicas = Number(vars.JETSTREAM_REPLICAS ?? 1);
    const cluster = replicas > 1 ? await startNatsCluster(replicas) : undefined;
    const single = cluster ? undefined : await startNats();
    try {
      const natsUrl = cluster ? cluster.nodes.map((n) => n.url).join(",") : single!.url;
      if (cluster) await cluster.metaLeader();
      // The stores stay the embedded NATS ones here: compose's MongoDB and S3 are not the subject.
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...vars, NATS_URL: natsUrl, LOG_LEVEL: "info" };
      const janitor = await bootJanitor(env);
      expect(janitor.started, janitor.out()).toBe(true);
      if (vars.LOG_PRETTY === "true") expect(janitor.out()).toMatch(/INFO.*\[janitor\] janitor started/);
      else expect(janitor.out()).toContain('"msg":"janitor started"');
      expect(await janitor.stop(), janitor.out()).toBe(0);
    } finally {
      await single?.stop();
      await cluster?.[Symbol.asyncDispose]();
    }
  });
});
