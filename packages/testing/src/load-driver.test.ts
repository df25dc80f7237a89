import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoadClient, arrivalOffsets, arrive, assertLoopback, multipart, perUserIterations } from "./load-driver.ts";
import { LoadMetrics } from "./load-metrics.ts";
import { freePort } from "./nats-server.ts";

describe("load driver: schedule", () => {
  it("refuses every origin but loopback http", () => {
    expect(assertLoopback("http://127.0.0.1:8080/x").origin).toBe("http://127.0.0.1:8080");
    expect(assertLoopback("http://[::1]:1").hostname).toBe("[::1]");
    for (const bad of ["http://localhost:80", "http://10.0.0.1", "https://127.0.0.1", "http://example.com", "http://127.0.0.1.example.com"]) {
      expect(() => assertLoopback(bad), bad).toThrow(/only talks to http:\/\/127\.0\.0\.1/);
    }
  });

  it("places arrivals: a burst, an even spread, a constant rate, a ramp", () => {
    expect(arrivalOffsets([{ durationSec: 0, arrivals: 3 }])).toEqual([0, 0, 0]);
    expect(arrivalOffsets([{ durationSec: 2, arrivals: 4 }])).toEqual([0, 500, 1000, 1500]);
    expect(arrivalOffsets([{ durationSec: 1, arrivals: 1 }, { durationSec: 2, arrivalRate: 2 }])).toEqual([0, 1000, 1500, 2000, 2500]);
    // 0 -> 10 users/s over 10 s: 50 users, denser towards the end; the k-th at sqrt(2k) s.
    const ramp = arrivalOffsets([{ durationSec: 10, arrivalRate: 0, rampTo: 10 }]);
    expect(ramp).toHaveLength(50);
    expect(ramp[8]).toBeCloseTo(4000);
    expect(ramp[49]).toBeLessThan(10_000);
    expect(ramp.every((t, i) => i === 0 || t > ramp[i - 1]!)).toBe(true);
  });

  it("runs closed-model users one journey after another, and stops at the deadline", async () => {
    const seen: string[] = [];
    const r = await perUserIterations(3, 2, 10_000, async ({ vu, iterationInTest }) => void seen.push(`${vu}:${iterationInTest}`));
    expect(r).toEqual({ done: 6, interrupted: 0 });
    expect(seen.map((s) => Number(s.split(":")[1])).sort()).toEqual([0, 1, 2, 3, 4, 5]);

    const stopped = await perUserIterations(2, 100, 50, ({ signal }) => once(signal, "abort").then(() => {}));
    expect(stopped).toEqual({ done: 0, interrupted: 200 });
  });

  it("drops arrivals beyond the concurrency bound instead of queueing them", async () => {
    const releases: (() => void)[] = [];
    let peak = 0;
    let running = 0;
    const ran = arrive([{ durationSec: 0, arrivals: 5 }], { maxConcurrent: 2, maxDurationMs: 10_000 }, async () => {
      peak = Math.max(peak, ++running);
      await new Promise<void>((r) => releases.push(r));
      running--;
    });
    while (releases.length < 2) await new Promise((r) => setImmediate(r));
    releases.forEach((r) => r());
    expect(await ran).toEqual({ started: 2, dropped: 3 });
    expect(peak).toBe(2);
  });
});

describe("load driver: client", () => {
  let server: Server;
  let base: string;
  const uploads: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (req.url === "/ok") return res.end(JSON.stringify({ ok: true }));
        if (req.url === "/upload") {
          uploads.push(`${req.headers["content-type"]}\n${Buffer.concat(chunks).toString()}`);
          return res.writeHead(202).end("{}");
        }
        if (req.url === "/boom") return res.writeHead(503).end("down");
        if (req.url === "/slow") return; // never answers: the client's timeout ends it
        res.writeHead(404).end("no");
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
  });

  it("counts requests, failures and 5xx as k6 did, and never throws for a failed one", async () => {
    const m = new LoadMetrics();
    const client = new LoadClient({ baseUrl: base, metrics: m, connections: 4 });
    try {
      const ok = await client.request("/ok");
      expect(ok.status).toBe(200);
      expect(ok.json()).toEqual({ ok: true });
      expect((await client.request("/missing")).status).toBe(404);
      expect((await client.request("/boom")).status).toBe(503);
      const slow = await client.request("/slow", { timeoutMs: 100 });
      expect(slow).toMatchObject({ status: 0, error: "timeout after 100 ms" });
      const up = await client.request("/upload", { body: multipart({ options: "{\"class\":\"batch\"}" }, "file", { name: "a.wav", type: "audio/wav", blob: new Blob(["RIFF"]) }) });
      expect(up.status).toBe(202);
    } finally {
      await client.close();
    }
    const [ct, body] = [uploads[0]!.split("\n")[0]!, uploads[0]!];
    expect(ct).toMatch(/^multipart\/form-data; boundary=/);
    expect(body.indexOf('name="options"')).toBeLessThan(body.indexOf('name="file"; filename="a.wav"'));
    const { metrics } = m.summary();
    expect(metrics.http_reqs?.count).toBe(5);
    expect(metrics.http_req_failed).toMatchObject({ passes: 3, fails: 2 }); // 404, 503, timeout
    expect(metrics.server_errors?.count).toBe(1);
  });

  it("reports a refused connection as status 0", async () => {
    const m = new LoadMetrics();
    const client = new LoadClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, metrics: m, connections: 1 });
    try {
      const r = await client.request("/x", { timeoutMs: 5_000 });
      expect(r.status).toBe(0);
      expect(r.error).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      await client.close();
    }
  });
});
