import type { ChildProcess } from "node:child_process";
import { once } from "node:events";

/**
 * Watches a spawned service process until it logs "<service> started", exits, or 60 s pass.
 * `stop()` sends SIGTERM (if it still runs) and resolves with its exit code, or the signal.
 */
export async function watchStart(child: ChildProcess, service: string) {
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = once(child, "exit") as Promise<[number | null, string | null]>;
  try {
    const started = await Promise.race([
      new Promise<boolean>((resolve) => child.stdout!.on("data", () => out.includes(`${service} started`) && resolve(true))),
      exited.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 60_000).unref()),
    ]);
    return {
      started,
      out: () => out,
      async stop(): Promise<number | string | null> {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        const [code, signal] = await exited;
        return code ?? signal;
      },
    };
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
}
