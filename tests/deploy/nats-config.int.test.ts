/**
 * deploy/nats/nats.conf as compose runs it: a real nats-server on that config (container paths
 * pointed at a temp dir) with make-certs.sh's TLS files and the passwords from its environment;
 * a service connects over TLS, trusting only ca.pem, as its own user, and a wrong password is
 * refused. deploy/nats/ comes from the NATS least-privilege work (nats-auth branch): until that is
 * merged here there is no config to run.
 */
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { natsServerBin } from "@mp4t/runtime";
import { freePort, pollUntil } from "@mp4t/testing";
import { connect } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { ROOT } from "./compose.ts";
import { NATS_USERS, natsPasswordVar } from "./compose-fixture.ts";

const CONF = join(ROOT, "deploy", "nats", "nats.conf");

describe("deploy/nats/nats.conf", () => {
  it("serves TLS with make-certs.sh's files and lets each user in with the password from the environment", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mp4t-nats-conf-"));
    const [port, monitor] = [await freePort(), await freePort()];
    try {
      execFileSync("sh", [join(ROOT, "deploy", "tls", "make-certs.sh"), dir], { stdio: "ignore" });
      const conf = readFileSync(CONF, "utf8")
        .replaceAll("/etc/nats/tls/", `${dir}/`)
        .replaceAll('"/data"', `"${dir}/data"`)
        .replace(/listen: "0\.0\.0\.0:4222"/, `listen: "127.0.0.1:${port}"`)
        .replace(/http_port: 8222/, `http_port: ${monitor}`);
      writeFileSync(join(dir, "nats.conf"), conf);
      const passwords = Object.fromEntries(NATS_USERS.map((u) => [natsPasswordVar(u), `pw-${u}-${Math.random().toString(36).slice(2)}`]));
      const server = spawn(natsServerBin(), ["-c", join(dir, "nats.conf")], { env: { ...process.env, ...passwords }, stdio: "ignore" });
      try {
        const ca = readFileSync(join(dir, "ca.pem"), "utf8");
        const as = (user: string, pass: string) => connect({ servers: `tls://localhost:${port}`, tls: { ca }, user, pass, reconnect: false, timeout: 2000 });
        await pollUntil(
          () => fetch(`http://127.0.0.1:${monitor}/healthz`).then((r) => r.ok),
          (ok) => ok,
          "nats /healthz",
        );
        for (const user of NATS_USERS) {
          const nc = await as(user, passwords[natsPasswordVar(user)]!);
          expect(nc.info?.tls_required, user).toBe(true);
          await nc.close();
        }
        await expect(as("ingest", "not-the-password")).rejects.toThrow(/authoriz/i);
      } finally {
        server.kill("SIGTERM");
        await once(server, "exit");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
