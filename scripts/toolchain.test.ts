import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const TOOLS = process.env.MP4T_TOOLS ?? join(homedir(), ".cache", "mp4t");
const SCRIPT = join(import.meta.dirname, "toolchain.sh");

describe("scripts/toolchain.sh", () => {
  it("waits for an install already running in the same tools directory before it checks anything", async () => {
    // The suite runs after toolchain.sh installed everything, so a run alone only checks its stamps.
    expect(existsSync(join(TOOLS, "bin", "node"))).toBe(true);
    const order: string[] = [];
    // Another install holding the lock (as a first `npm start` building the tools would), for a second.
    const holder = spawn("flock", [join(TOOLS, ".install.lock"), "sleep", "1"], { stdio: "ignore" });
    const held = once(holder, "exit").then(([code]) => order.push(`holder ${code}`));
    await new Promise((r) => setTimeout(r, 200)); // the holder has the lock
    const run = spawn("bash", [SCRIPT], { env: { ...process.env, MP4T_TOOLS: TOOLS, MP4T_TEST_TOOLS: "0" }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    run.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const ran = once(run, "exit").then(([code]) => order.push(`toolchain ${code}`));
    await Promise.all([held, ran]);
    expect(order, stderr).toEqual(["holder 0", "toolchain 0"]);
  }, 60_000);
});
