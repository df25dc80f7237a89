import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { layoutProcesses, memoryReducerFor, nodeMemoryDefaults, semiSpaceFor, supervise, workerNice, type LayoutPlan } from "./supervise.mjs";
import type { SuperviseOptions } from "./supervise.d.mts";

/** What a supervised process sees of the memory settings: its V8 flags and its malloc variables. */
type Seen = { execArgv: string[]; arenaMax?: string; mmapThreshold?: string; compileCacheDir?: string };

/** What a supervised probe wrote to `file` once it has started (its first and only write). */
async function written<T>(file: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const text = await readFile(file, "utf8").catch(() => "");
    if (text) return JSON.parse(text) as T;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the supervised process never wrote what it sees");
}

/**
 * Supervises a probe module (`source` given its output file's path as a JSON string), returns what
 * it wrote there once started, then stops it.
 */
async function probeSees<T>(name: string, source: (out: string) => string, o: Partial<SuperviseOptions> = {}): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `mp4t-supervise-${name}-`));
  try {
    const entry = join(dir, `${name}.mjs`);
    const out = join(dir, `${name}.json`);
    await writeFile(entry, source(JSON.stringify(out)));
    const s = supervise({ name, entry, env: { PATH: process.env.PATH, NODE_COMPILE_CACHE: "" }, log: () => undefined, ...o });
    try {
      return await written<T>(out);
    } finally {
      await s.stop(5000);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("supervise: the memory settings of a supervised Node process", () => {
  let dir: string;
  let entry: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mp4t-supervise-"));
    entry = join(dir, "probe.mjs");
    await writeFile(
      entry,
      [
        `import { writeFileSync } from "node:fs";`,
        `import { getCompileCacheDir } from "node:module";`,
        `const e = process.env;`,
        `const seen = { execArgv: process.execArgv, arenaMax: e.MALLOC_ARENA_MAX, mmapThreshold: e.MALLOC_MMAP_THRESHOLD_, compileCacheDir: getCompileCacheDir() };`,
        `writeFileSync(e.PROBE_OUT, JSON.stringify(seen));`,
        `setInterval(() => undefined, 1000);`,
      ].join("\n"),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function seen(env: NodeJS.ProcessEnv, name: string): Promise<Seen> {
    const out = join(dir, `${name}.json`);
    // MP4T_TOOLS: the probes' compile cache stays in this test's directory, not the user's.
    const s = supervise({ name, entry, env: { PATH: process.env.PATH, MP4T_TOOLS: dir, ...env, PROBE_OUT: out }, log: () => undefined });
    try {
      return await written<Seen>(out);
    } finally {
      await s.stop(5000);
    }
  }

  it("caps the young generation and sets glibc malloc's arenas and mmap threshold by default", async () => {
    const got = await seen({}, "defaults");
    expect(got.execArgv).toEqual(["--max-semi-space-size=16"]);
    expect(got.arenaMax).toBe("2");
    expect(got.mmapThreshold).toBe("32768");
  });

  it("compiles through Node's on-disk cache in the toolchain's directory, unless the environment decides", async () => {
    const tools = join(dir, "tools");
    expect((await seen({ MP4T_TOOLS: tools }, "cache-default")).compileCacheDir?.startsWith(`${tools}/node-compile-cache/`)).toBe(true);
    const own = join(dir, "own-cache");
    expect((await seen({ MP4T_TOOLS: tools, NODE_COMPILE_CACHE: own }, "cache-own")).compileCacheDir?.startsWith(`${own}/`)).toBe(true);
    expect((await seen({ MP4T_TOOLS: tools, NODE_DISABLE_COMPILE_CACHE: "1" }, "cache-off")).compileCacheDir).toBeUndefined();
  });

  it("gives the gateway V8's default young generation, the split layout's worker process a smaller one and every other process the capped one", () => {
    expect(nodeMemoryDefaults({}, semiSpaceFor("gateway")).execArgv).toEqual(["--max-semi-space-size=64"]);
    expect(nodeMemoryDefaults({}, semiSpaceFor("workers")).execArgv).toEqual(["--max-semi-space-size=8"]);
    for (const name of ["ingest", "transcriber", "diarizer", "enhancer", "janitor", "all-in-one"])
      expect(nodeMemoryDefaults({}, semiSpaceFor(name)).execArgv).toEqual(["--max-semi-space-size=16"]);
    expect(nodeMemoryDefaults({ NODE_OPTIONS: "--max-semi-space-size=8" }, semiSpaceFor("gateway")).execArgv).toEqual([]);
  });

  it("runs the gateway and the split layout's worker process without V8's memory reducer and every other process with it", async () => {
    expect(nodeMemoryDefaults({}, semiSpaceFor("gateway"), memoryReducerFor("gateway")).execArgv).toEqual(["--max-semi-space-size=64", "--no-memory-reducer"]);
    expect(nodeMemoryDefaults({}, semiSpaceFor("workers"), memoryReducerFor("workers")).execArgv).toEqual(["--max-semi-space-size=8", "--no-memory-reducer"]);
    for (const name of ["ingest", "transcriber", "diarizer", "enhancer", "janitor", "all-in-one"])
      expect(nodeMemoryDefaults({}, semiSpaceFor(name), memoryReducerFor(name)).execArgv).toEqual([`--max-semi-space-size=${semiSpaceFor(name)}`]);
    // The flag reaches the process's V8 (a flag Node did not know would stop it at start).
    const out = join(dir, "reducer.json");
    const s = supervise({
      name: "gateway",
      entry,
      env: { PATH: process.env.PATH, MP4T_TOOLS: dir, PROBE_OUT: out },
      log: () => undefined,
      memoryReducer: false,
    });
    try {
      expect((await written<Seen>(out)).execArgv).toEqual(["--max-semi-space-size=16", "--no-memory-reducer"]);
    } finally {
      await s.stop(5000);
    }
  });

  it("leaves what the environment already decides", async () => {
    const got = await seen({ NODE_OPTIONS: "--max-semi-space-size=32", MALLOC_ARENA_MAX: "4" }, "operator");
    expect(got.execArgv).toEqual([]);
    expect(got.arenaMax).toBe("4");
    expect(got.mmapThreshold).toBe("32768");
    const tuned = await seen({ GLIBC_TUNABLES: "glibc.malloc.arena_max=8" }, "tunables");
    expect(tuned.arenaMax).toBeUndefined();
    expect(tuned.mmapThreshold).toBeUndefined();
    expect(tuned.execArgv).toEqual(["--max-semi-space-size=16"]);
  });
});

describe("layoutProcesses: the Node processes of each MP4T_PROCESSES layout", () => {
  const WORKERS = ["ingest", "transcriber", "diarizer", "enhancer", "janitor"];
  const own = (name: string): Record<string, string> => ({
    NATS_USER: name,
    NATS_PASSWORD: `${name}-password`,
    ...(name === "gateway" ? { JWT_SECRET: "jwt", ADMIN_PASSWORD: "admin" } : {}),
  });
  const planOf = (mode: LayoutPlan["mode"]): LayoutPlan => ({
    mode,
    services: ["gateway", ...WORKERS].map((name) => ({ name, entry: `/services/${name}/main.ts`, env: own(name) })),
    allInOneEntry: "/scripts/all-in-one.ts",
  });
  const shared = { LOG_LEVEL: "warn" };

  it("separate: one process per service, its own variables in its environment", () => {
    const procs = layoutProcesses(planOf("separate"), shared);
    expect(procs.map((p) => [p.name, p.entry, p.semiSpaceMiB, p.memoryReducer])).toEqual([
      ["gateway", "/services/gateway/main.ts", 64, false],
      ...WORKERS.map((n) => [n, `/services/${n}/main.ts`, 16, true]),
    ]);
    for (const p of procs) expect(p.env).toEqual({ ...shared, ...(p.name === "gateway" ? { UV_THREADPOOL_SIZE: "8" } : {}), ...own(p.name) });
  });

  it("gives a process hosting the gateway a thread pool of 8 (hashes take half), unless the environment says", () => {
    for (const mode of ["separate", "split", "all-in-one"] as const) {
      const [first] = layoutProcesses(planOf(mode), shared);
      expect(first!.env.UV_THREADPOOL_SIZE, mode).toBe("8");
      expect(layoutProcesses(planOf(mode), { ...shared, UV_THREADPOOL_SIZE: "16" })[0]!.env.UV_THREADPOOL_SIZE).toBe("16");
    }
    expect(layoutProcesses(planOf("split"), shared)[1]!.env.UV_THREADPOOL_SIZE).toBeUndefined(); // the workers keep libuv's default
  });

  it("all-in-one: one process hosting every service, their own variables on its stdin", () => {
    const [host, ...rest] = layoutProcesses(planOf("all-in-one"), shared);
    expect(rest).toEqual([]);
    expect(host).toMatchObject({
      name: "all-in-one",
      entry: "/scripts/all-in-one.ts",
      args: [],
      env: { ...shared, UV_THREADPOOL_SIZE: "8" },
      semiSpaceMiB: 16,
      memoryReducer: true,
    });
    expect(JSON.parse(host!.input!)).toEqual(Object.fromEntries(["gateway", ...WORKERS].map((n) => [n, own(n)])));
  });

  it("split: the gateway alone with its 64 MiB semi-space, the five workers in one process with 8 MiB that never sees the gateway's secrets", () => {
    const procs = layoutProcesses(planOf("split"), shared);
    expect(procs.map((p) => p.name)).toEqual(["gateway", "workers"]);
    const [gateway, workers] = procs;
    expect(gateway).toMatchObject({
      entry: "/services/gateway/main.ts",
      args: [],
      env: { ...shared, UV_THREADPOOL_SIZE: "8", ...own("gateway") },
      semiSpaceMiB: 64,
      memoryReducer: false,
    });
    expect(gateway!.input).toBeUndefined();
    expect(workers).toMatchObject({ entry: "/scripts/all-in-one.ts", args: WORKERS, env: shared, semiSpaceMiB: 8, memoryReducer: false });
    // Each worker keeps its own NATS user and password; nothing of the gateway's reaches this process.
    expect(JSON.parse(workers!.input!)).toEqual(Object.fromEntries(WORKERS.map((n) => [n, own(n)])));
    expect(workers!.input).not.toMatch(/gateway|JWT_SECRET|ADMIN_PASSWORD/);
  });

  it("lowers the CPU priority of every process but the gateway's by MP4T_WORKER_NICE, 0 unless set", () => {
    const nices = (mode: "separate" | "split" | "all-in-one", env: NodeJS.ProcessEnv) => layoutProcesses(planOf(mode), env).map((p) => [p.name, p.nice]);
    expect(nices("split", shared)).toEqual([
      ["gateway", 0],
      ["workers", 0],
    ]);
    const five = { ...shared, MP4T_WORKER_NICE: "5" };
    expect(nices("split", five)).toEqual([
      ["gateway", 0],
      ["workers", 5],
    ]);
    expect(nices("separate", five)).toEqual([["gateway", 0], ...WORKERS.map((n) => [n, 5])]);
    expect(nices("all-in-one", five)).toEqual([["all-in-one", 0]]); // it hosts the gateway
    for (const bad of ["-1", "20", "2.5", "low", ""]) expect(() => workerNice({ MP4T_WORKER_NICE: bad }), bad).toThrow(/MP4T_WORKER_NICE/);
  });

  it("starts a process with its nice value raised by the one given", async () => {
    // The priority is set just after the start: the probe reports it once it has changed (or after 2 s).
    const seen = await probeSees<number>(
      "nice",
      (out) =>
        `import { writeFileSync } from "node:fs"; import { getPriority } from "node:os";\n` +
        `const t0 = Date.now(); const h = setInterval(() => { if (getPriority() !== ${getPriority()} || Date.now() - t0 > 2000) { writeFileSync(${out}, String(getPriority())); clearInterval(h); setInterval(() => undefined, 1000); } }, 20);`,
      { nice: 4 },
    );
    expect(seen).toBe(Math.min(19, getPriority() + 4));
  });

  it("passes a process its arguments", async () => {
    const seen = await probeSees<string[]>(
      "args",
      (out) => `import { writeFileSync } from "node:fs"; writeFileSync(${out}, JSON.stringify(process.argv.slice(2))); setInterval(() => undefined, 1000);`,
      { args: ["ingest", "janitor"] },
    );
    expect(seen).toEqual(["ingest", "janitor"]);
  });
});
