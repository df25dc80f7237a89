import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

/** Starts a service's main.ts with only `env`; resolves with its exit code and output. */
async function boot(service: string, env: Record<string, string>) {
  const proc = spawn(process.execPath, [join(ROOT, "services", service, "src", "main.ts")], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
  const [code] = await once(proc, "exit");
  clearTimeout(timer);
  return { code: code as number | null, out };
}

/** Production refuses unsafe NATS settings before it connects anywhere, naming each one. */
describe("production profile: NATS settings", () => {
  it.each(["transcriber", "janitor"])("%s refuses NATS without credentials and TLS", async (service) => {
    const { code, out } = await boot(service, { MP4T_PROFILE: "production", NATS_URL: "nats://127.0.0.1:1" });
    expect(code).toBe(78);
    expect(out).toMatch(/NATS_PASSWORD: not set/);
    expect(out).toMatch(/NATS_TLS_CA_FILE: not set/);
  });

  it("names a password in the URL, a short password and the admin user (NODE_ENV=production)", async () => {
    const { code, out } = await boot("diarizer", {
      NODE_ENV: "production",
      NATS_URL: "tls://admin:pw@127.0.0.1:1",
      NATS_USER: "admin",
      NATS_PASSWORD: "short",
    });
    expect(code).toBe(78);
    expect(out).toMatch(/NATS_URL: carries credentials/);
    expect(out).toMatch(/NATS_PASSWORD: shorter than 16/);
    expect(out).toMatch(/NATS_USER: admin is for operators/);
    expect(out).not.toMatch(/NATS_TLS_CA_FILE/); // tls:// is TLS
    expect(out).not.toContain(":pw@");
  });
});
