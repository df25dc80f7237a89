import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeMemoryDefaults, semiSpaceFor, supervise } from "./supervise.mjs";

/** What a supervised process sees of the memory settings: its V8 flags and its malloc variables. */
type Seen = { execArgv: string[]; arenaMax?: string; mmapThreshold?: string };

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
        `const e = process.env;`,
        `writeFileSync(e.PROBE_OUT, JSON.stringify({ execArgv: process.execArgv, arenaMax: e.MALLOC_ARENA_MAX, mmapThreshold: e.MALLOC_MMAP_THRESHOLD_ }));`,
        `setInterval(() => undefined, 1000);`,
      ].join("\n"),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function seen(env: NodeJS.ProcessEnv, name: string): Promise<Seen> {
    const out = join(dir, `${name}.json`);
    const s = supervise({ name, entry, env: { PATH: process.env.PATH, ...env, PROBE_OUT: out }, log: () => undefined });
    try {
      for (let i = 0; i < 200; i++) {
        const text = await readFile(out, "utf8").catch(() => "");
        if (text) return JSON.parse(text) as Seen;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("the supervised process never wrote what it sees");
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

  it("gives the gateway V8's default young generation and every other service the capped one", () => {
    expect(nodeMemoryDefaults({}, semiSpaceFor("gateway")).execArgv).toEqual(["--max-semi-space-size=64"]);
    for (const name of ["ingest", "transcriber", "diarizer", "enhancer", "janitor", "all-in-one"])
      expect(nodeMemoryDefaults({}, semiSpaceFor(name)).execArgv).toEqual(["--max-semi-space-size=16"]);
    expect(nodeMemoryDefaults({ NODE_OPTIONS: "--max-semi-space-size=8" }, semiSpaceFor("gateway")).execArgv).toEqual([]);
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
