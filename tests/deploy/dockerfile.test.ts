/**
 * The image cannot be built here (no container engine; hadolint is a Haskell program the Go proxy
 * does not serve), so this checks the Dockerfile's properties from its text, and runs the image's
 * entrypoint and health check scripts as they run in the container.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { SERVICE_NAMES } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { ROOT } from "./compose.ts";
import { dockerIgnore, parseDockerfile, workspaceDirs, type Stage } from "./dockerfile.ts";

const stages = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
const ignored = dockerIgnore(readFileSync(join(ROOT, ".dockerignore"), "utf8"));
const stage = (name: string) => stages.find((s) => s.name === name) ?? expect.fail(`no stage ${name}`);
const ops = (s: Stage, op: string) => s.instructions.filter((i) => i.op === op);
const runtime = stages[stages.length - 1]!;
const run = promisify(execFile);

describe("Dockerfile", () => {
  it("installs production dependencies from the lockfile and the workspace manifests alone", () => {
    const deps = stage("deps");
    const install = deps.instructions.findIndex((i) => i.op === "RUN" && /\bpnpm install\b/.test(i.args));
    expect(install).toBeGreaterThan(-1);
    expect(deps.instructions[install]!.args).toMatch(/--frozen-lockfile/);
    expect(deps.instructions[install]!.args).toMatch(/--prod\b/);
    const copied = deps.instructions
      .slice(0, install)
      .filter((i) => i.op === "COPY")
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    // Nothing but manifests before the install, so a source change keeps the install layer.
    for (const src of copied) expect(src, src).toMatch(/(^|\/)(package\.json|pnpm-lock\.yaml|pnpm-workspace\.yaml)$/);
    const members = workspaceDirs(ROOT, (dir) => readdirSync(join(ROOT, dir)).filter((d) => existsSync(join(ROOT, dir, d, "package.json"))));
    for (const dir of members) expect(copied, `${dir}/package.json`).toContain(`${dir}/package.json`);
    for (const file of ["package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", ...members.map((d) => `${d}/package.json`)]) {
      expect(ignored(file), `${file} reaches the build`).toBe(false);
    }
  });

  it("runs as a non-root user under tini, with the dependencies copied before the source", () => {
    const users = ops(runtime, "USER");
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]!.args).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime.instructions.findIndex((i) => i.op === "USER")).toBeGreaterThan(runtime.instructions.findLastIndex((i) => i.op === "RUN"));
    const entrypoint = JSON.parse(ops(runtime, "ENTRYPOINT").at(-1)!.args) as string[];
    expect(entrypoint.slice(0, 2)).toEqual(["/usr/bin/tini", "--"]);
    expect(existsSync(join(ROOT, entrypoint[2]!.replace(/^\/app\//, "")))).toBe(true);
    const copies = ops(runtime, "COPY").map((i) => i.args);
    const fromDeps = copies.findIndex((a) => /--from=deps/.test(a));
    expect(fromDeps).toBeGreaterThan(-1);
    expect(copies.findIndex((a) => /^(--chown=\S+\s+)?\.\s+\.$/.test(a))).toBeGreaterThan(fromDeps);
    // ENV is inherited from the stage the runtime is built FROM.
    const chain = [runtime, ...stages.filter((s) => s.name === runtime.from)];
    expect(
      chain
        .flatMap((s) => ops(s, "ENV"))
        .map((i) => i.args)
        .join(" "),
    ).toMatch(/NODE_ENV=production/);
  });

  it("installs ffmpeg, pocketsphinx and tini from Debian in the runtime image", () => {
    const apt =
      ops(runtime, "RUN")
        .map((i) => i.args)
        .find((a) => /apt-get install/.test(a)) ?? "";
    for (const pkg of ["ffmpeg", "pocketsphinx", "pocketsphinx-en-us", "tini"]) expect(apt.split(/\s+/), pkg).toContain(pkg);
    expect(apt).toMatch(/--no-install-recommends/);
    expect(apt).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
  });

  it("builds the Go spawn relay from its own source alone, static, and points the services at it", () => {
    const relay = stage("relay");
    const copied = ops(relay, "COPY").flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    // Every file of the relay's source, and nothing else: scripts/toolchain.sh hashes the same two.
    expect(copied.sort()).toEqual(
      readdirSync(join(ROOT, "packages/runtime/relay"))
        .map((f) => `packages/runtime/relay/${f}`)
        .sort(),
    );
    for (const file of copied) expect(ignored(file), `${file} reaches the build`).toBe(false);
    const build = ops(relay, "RUN").find((i) => /\bgo build\b/.test(i.args));
    expect(build?.args).toMatch(/CGO_ENABLED=0/);
    expect(build?.args).toMatch(/-o \/out\/mp4t-spawn-relay\b/);
    expect(ops(runtime, "COPY").map((i) => i.args)).toContainEqual(
      expect.stringMatching(/--from=relay .*\/out\/mp4t-spawn-relay \/usr\/local\/bin\/mp4t-spawn-relay$/),
    );
    expect(ops(runtime, "ENV").flatMap((i) => i.args.split(/\s+/))).toContain("MP4T_SPAWN_RELAY=/usr/local/bin/mp4t-spawn-relay");
  });

  it("has a health check, and leaves out dependencies' trees, tests and benches but not the services' source", () => {
    const health = ops(runtime, "HEALTHCHECK");
    expect(health).toHaveLength(1);
    expect(health[0]!.args).toMatch(/CMD \["node", "\/app\/deploy\/docker\/healthcheck\.mjs"\]/);
    for (const path of [
      "node_modules/x",
      "services/gateway/node_modules/x",
      "bench/run.ts",
      "tests/e2e/spine.int.test.ts",
      ".git/HEAD",
      "data/x",
      "services/ingest/test/x.int.test.ts",
      "services/ingest/src/chunk.planner.test.ts",
    ])
      expect(ignored(path), path).toBe(true);
    for (const name of SERVICE_NAMES) expect(ignored(`services/${name}/src/main.ts`), name).toBe(false);
    for (const path of [
      "contracts/src/index.ts",
      "packages/messaging/src/boot.ts",
      "packages/stores/src/index.ts",
      "deploy/docker/healthcheck.mjs",
      "deploy/docker/entrypoint.sh",
      "services/gateway/src/dashboard/index.html",
    ])
      expect(ignored(path), path).toBe(false);
  });
});

describe("the image's entrypoint and health check", () => {
  const entrypoint = join(ROOT, "deploy", "docker", "entrypoint.sh");
  const healthcheck = join(ROOT, "deploy", "docker", "healthcheck.mjs");

  it("refuses a service name it does not know, naming the six", async () => {
    for (const env of [{ MP4T_SERVICE: "" }, { MP4T_SERVICE: "../../tmp/evil" }]) {
      const err = (await run("sh", [entrypoint], { env: { PATH: process.env.PATH, ...env } }).catch((e: unknown) => e)) as { code: number; stderr: string };
      expect(err.code).toBe(64);
      expect(err.stderr).toContain(SERVICE_NAMES.join(", "));
    }
  });

  it("checks the gateway's /health on PORT and a worker's /metrics on METRICS_PORT", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url!);
      res.writeHead(req.url === "/health" || req.url === "/metrics" ? 200 : 404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = String((server.address() as AddressInfo).port);
    try {
      const env = (extra: Record<string, string>) => ({ env: { PATH: process.env.PATH, ...extra } });
      await run(process.execPath, [healthcheck], env({ MP4T_SERVICE: "gateway", PORT: port }));
      await run(process.execPath, [healthcheck], env({ MP4T_SERVICE: "janitor", METRICS_PORT: port }));
      expect(seen).toEqual(["/health", "/metrics"]);
      server.close();
      const down = (await run(process.execPath, [healthcheck], env({ MP4T_SERVICE: "ingest", METRICS_PORT: port })).catch((e: unknown) => e)) as {
        code: number;
        stderr: string;
      };
      expect(down.code).toBe(1);
      expect(down.stderr).toContain(`ingest unhealthy: http://127.0.0.1:${port}/metrics`);
    } finally {
      server.close();
    }
  });
});
