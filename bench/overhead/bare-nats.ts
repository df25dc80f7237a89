import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { connect } from "@nats-io/transport-node";
import { natsServerBin } from "../../packages/runtime/src/index.ts";
import { freePort } from "../../packages/testing/src/index.ts";

/**
 * A bare nats-server with JetStream in `storeDir` (no auth, no config), for the benches' baselines:
 * its process is ours to sample from /proc. Resolves once it accepts a connection.
 */
export async function startBareNats(storeDir: string): Promise<{ url: string; proc: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const proc = spawn(natsServerBin(), ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir], { stdio: "ignore" });
  const url = `nats://127.0.0.1:${port}`;
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill("SIGTERM");
    await once(proc, "exit");
  };
  for (let i = 0; ; i++) {
    try {
      await (await connect({ servers: url, reconnect: false, timeout: 500 })).close();
      return { url, proc, stop };
    } catch (err) {
      if (i > 100) {
        await stop();
        throw err;
      }
      await new Promise((r) => setTimeout(r, 100)); // the server is starting
    }
  }
}
