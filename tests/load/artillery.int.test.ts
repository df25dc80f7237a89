import { createServer, type Server } from "node:http";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertLoopback, endpoint, requestErrors, runArtillery, SCENARIOS, serverErrors } from "./artillery.ts";

/**
 * The Artillery runner (tests/load/artillery.ts) against a local HTTP server: the report, the
 * `ensure` verdicts, the journal and Artillery's own CPU come back; a strict condition that fails
 * fails the run.
 */
describe("running Artillery", () => {
  let server: Server;
  let url: string;
  let dir: string;
  let hits = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mp4t-artillery-test-"));
    server = createServer((req, res) => {
      hits++;
      res.writeHead(req.url === "/boom" ? 503 : 200, { "content-type": "text/plain" }).end("hello");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  const scenario = async (name: string, strictExpression: string) => {
    const file = join(dir, name);
    await writeFile(
      file,
      [
        "config:",
        "  phases: [{ duration: 1, arrivalCount: 3 }]",
        `  processor: ${join(SCENARIOS, "journeys.processor.mjs")}`,
        "  plugins: { ensure: {}, metrics-by-endpoint: { useOnlyRequestNames: true } }",
        "  ensure:",
        "    conditions:",
        `      - expression: "${strictExpression}"`,
        '      - { expression: "vusers.created == 99", strict: false }',
        "scenarios:",
        "  - afterResponse: countResponse",
        "    beforeScenario: zeroCounters",
        "    flow:",
        "      - get: { url: /ok, name: ok }",
        "      - get: { url: /boom, name: boom }",
      ].join("\n"),
    );
    return file;
  };

  it("reads the report, the ensure lines and its own CPU", async () => {
    const before = hits;
    const run = await runArtillery({ scenario: await scenario("pass.yml", "load.server_errors == 3"), target: url, variables: {}, timeoutMs: 60_000 });
    expect(run.exitCode, run.output).toBe(0);
    expect(hits - before).toBe(6);
    expect(run.count("vusers.created")).toBe(3);
    expect(endpoint(run, "ok")).toMatchObject({ attempts: 3, codes: { "200": 3 } });
    expect(endpoint(run, "boom").ok(503)).toBe(3);
    expect(serverErrors(run)).toBe(3);
    expect(requestErrors(run)).toBe(0);
    expect(run.count("load.failed_requests")).toBe(3);
    expect(run.summaries["load.request_ms.ok"]?.count).toBe(3);
    expect(run.ensure).toEqual([
      { ok: true, expression: "load.server_errors == 3" },
      { ok: false, expression: "vusers.created == 99" },
    ]);
    // Artillery's start-up alone (its module tree) costs a good share of a second of CPU.
    expect(run.cpuSec).toBeGreaterThan(0.3);
    expect(run.cpuSec).toBeLessThan(run.wallSec * 2 + 1);
    expect(run.journal).toEqual([]);
  }, 90_000);

  it("fails the run when a strict condition does not hold", async () => {
    const run = await runArtillery({ scenario: await scenario("fail.yml", "load.server_errors == 0"), target: url, variables: {}, timeoutMs: 60_000 });
    expect(run.exitCode).not.toBe(0);
    expect(run.ensure).toContainEqual({ ok: false, expression: "load.server_errors == 0" });
  }, 90_000);

  it("refuses any target but http://127.0.0.1", async () => {
    expect(() => assertLoopback("http://example.com")).toThrow(/127\.0\.0\.1/);
    expect(() => assertLoopback("https://127.0.0.1:8080")).toThrow(/127\.0\.0\.1/);
    expect(assertLoopback("http://127.0.0.1:8080/x")).toBe("http://127.0.0.1:8080");
    await expect(runArtillery({ scenario: "upload.yml", target: "http://10.0.0.1", variables: {}, timeoutMs: 1000 })).rejects.toThrow(/127\.0\.0\.1/);
  });
});
