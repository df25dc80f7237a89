import { execFile, execFileSync } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeFetch } from "./http-fetch.ts";

/**
 * nodeFetch over HTTPS, as a hosted provider is reached: a local TLS server with a certificate
 * made here by openssl for 127.0.0.1. Unknown to the default CA store, it must be refused; trusted
 * the way an operator trusts a private CA (NODE_EXTRA_CA_CERTS, read at start: a child process),
 * the request goes through whole.
 */
let dir: string;
let server: Server;
let url: string;
let received = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mp4t-tls-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  server = createServer({ key: await readFile(join(dir, "key.pem")), cert: await readFile(join(dir, "cert.pem")) }, (req, res) => {
    received++;
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ bytes: Buffer.concat(parts).length })));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1/audio/transcriptions`;
});
afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("nodeFetch over HTTPS", () => {
  it("refuses a server whose certificate no trusted CA signed, before sending the body", async () => {
    const sent = nodeFetch(url, { method: "POST", body: new Uint8Array(1000) });
    await expect(sent).rejects.toThrow();
    await expect(sent.catch((e: Error & { cause?: { code?: string } }) => e.cause?.code ?? (e as { code?: string }).code)).resolves.toMatch(
      /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/,
    );
    expect(received).toBe(0); // no request reached the server
  });

  it("sends the body whole to a server whose CA the operator trusts (NODE_EXTRA_CA_CERTS)", async () => {
    const script = `import { nodeFetch } from ${JSON.stringify(join(import.meta.dirname, "http-fetch.ts"))};
const r = await nodeFetch(${JSON.stringify(url)}, { method: "POST", body: new Uint8Array(250000), headers: { "content-type": "application/octet-stream" } });
process.stdout.write(JSON.stringify({ status: r.status, body: await r.json() }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, "cert.pem") },
      timeout: 30_000,
    });
    expect(JSON.parse(stdout)).toEqual({ status: 200, body: { bytes: 250000 } });
  });
});
