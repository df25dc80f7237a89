/**
 * deploy/tls/make-certs.sh issues what docker-compose.yml and the Kubernetes manifests mount at
 * /etc/nats/tls: a real nats-server serves TLS with them, a client trusting only ca.pem connects,
 * and one trusting nothing is refused.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { natsServerBin } from "@mp4t/runtime";
import { freePort, pollUntil } from "@mp4t/testing";
import { connect } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { ROOT } from "./compose.ts";

describe("deploy/tls/make-certs.sh", () => {
  it("issues a CA and a server certificate a TLS nats-server and its clients accept", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mp4t-tls-"));
    const port = await freePort();
    try {
      execFileSync("sh", [join(ROOT, "deploy", "tls", "make-certs.sh"), dir], { stdio: "ignore" });
      expect(statSync(join(dir, "server-key.pem")).mode & 0o077).toBe(0); // the key is its owner's only
      writeFileSync(
        join(dir, "nats.conf"),
        [`listen: "127.0.0.1:${port}"`, `tls { cert_file: "${dir}/server.pem", key_file: "${dir}/server-key.pem", ca_file: "${dir}/ca.pem", timeout: 5 }`].join(
          "\n",
        ),
      );
      const server = spawn(natsServerBin(), ["-c", join(dir, "nats.conf")], { stdio: "ignore" });
      try {
        const ca = readFileSync(join(dir, "ca.pem"), "utf8");
        const nc = await pollUntil(
          () => connect({ servers: `tls://localhost:${port}`, tls: { ca }, reconnect: false, timeout: 1000 }),
          () => true,
          "TLS connect",
        );
        expect(nc.info?.tls_required).toBe(true);
        await nc.close();
        // A client that does not trust this CA is refused.
        await expect(connect({ servers: `tls://localhost:${port}`, tls: {}, reconnect: false, timeout: 2000 })).rejects.toThrow();
      } finally {
        server.kill("SIGTERM");
        await once(server, "exit");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
