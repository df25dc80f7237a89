import { spawn } from "node:child_process";
import { join } from "node:path";
import { startNats, type NatsServer } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MAIN = join(import.meta.dirname, "..", "src", "main.ts");

let nats: NatsServer;
beforeAll(async () => {
  nats = await startNats();
});
afterAll(async () => {
  await nats?.[Symbol.asyncDispose]();
});

/** The real ingest entry point, run until it exits (or killed after 60 s). */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? "", NATS_URL: nats.url, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    p.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill("SIGKILL"), 60_000);
    p.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe("ingest's start check", () => {
  it("a media tool that cannot run stops the service with EX_CONFIG (78, not restarted) and the reason", async () => {
    const { code, stderr } = await runToExit({ FFMPEG_BIN: "/nonexistent/ffmpeg" });
    expect(code, stderr).toBe(78);
    expect(stderr).toMatch(/ingest cannot run \/nonexistent\/ffmpeg under a file-size limit of \d+ bytes .*: prlimit: failed to execute/);
  }, 90_000);
});
