import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { newSpawnRelay, SPAWN_RELAY_BIN, SPAWN_RELAY_SCRIPT, spawnRelayCommand, type RelayedChild, type RelaySpawnOptions } from "./spawn-relay.ts";

const ENV = { PATH: process.env.PATH ?? "/usr/bin:/bin", LC_ALL: "C" };
const root = process.getuid?.() === 0;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mp4t-relay-"));
});
const others: string[] = [];
afterAll(async () => {
  for (const d of [dir, ...others]) await rm(d, { recursive: true, force: true });
});
/** A directory of ours that other users may enter and read (0755), for tools run as another user. */
async function reachable(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), `mp4t-relay-${prefix}`));
  others.push(d);
  await chmod(d, 0o755);
  return d;
}

type Ran = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };
function collect(child: RelayedChild): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal, stdout, stderr }));
  });
}

// Both relays, each through the same tests: the Go one scripts/toolchain.sh builds (npm test runs
// it first), and the Perl one it stands in for where it is not built.
const GO_RELAY = join(process.env.MP4T_TOOLS ?? join(homedir(), ".cache", "mp4t"), "bin", SPAWN_RELAY_BIN);
const RELAYS: [string, readonly string[]][] = [
  ["Go", [GO_RELAY]],
  ["Perl", ["perl", SPAWN_RELAY_SCRIPT]],
];

it("uses the Go relay scripts/toolchain.sh built, MP4T_SPAWN_RELAY's choice over it, and the Perl one where none is built", () => {
  expect(existsSync(GO_RELAY)).toBe(true);
  expect(spawnRelayCommand({ MP4T_TOOLS: process.env.MP4T_TOOLS })).toEqual([GO_RELAY]);
  expect(spawnRelayCommand({ MP4T_TOOLS: dir })).toEqual(["perl", SPAWN_RELAY_SCRIPT]);
  expect(spawnRelayCommand({ MP4T_SPAWN_RELAY: "perl" })).toEqual(["perl", SPAWN_RELAY_SCRIPT]);
  expect(spawnRelayCommand({ MP4T_SPAWN_RELAY: "/opt/relay" })).toEqual(["/opt/relay"]);
});

describe.each(RELAYS)("spawn relay (%s)", (_kind, command) => {
  const relay = newSpawnRelay(command);
  const relaySpawn = relay.spawn;
  const run = (script: string, o: Partial<RelaySpawnOptions> = {}) => collect(relaySpawn(["sh", "-c", script], { env: ENV, ...o }));
  /** How a second Node process picks this relay. */
  const CHOICE = command[0] === "perl" ? "perl" : command[0]!;
  const PROGRAM = command.at(-1)!;

  /** The relay process of this one (the child of ours running this relay). */
  async function relayPids(): Promise<number[]> {
    const pids: number[] = [];
    for (const p of await readdir("/proc")) {
      if (!/^\d+$/.test(p)) continue;
      try {
        const stat = await readFile(`/proc/${p}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        if (ppid === process.pid && (await readFile(`/proc/${p}/cmdline`, "utf8")).includes(PROGRAM)) pids.push(Number(p));
      } catch {
        /* gone meanwhile */
      }
    }
    return pids;
  }
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  /** Descriptor numbers as ls prints them, one a line, in order. */
  const fdsOf = (listing: string) =>
    listing
      .split("\n")
      .filter(Boolean)
      .map(Number)
      .sort((a, b) => a - b);

  it("runs a tool with the environment, working directory and descriptors given, and nothing else", async () => {
    await writeFile(join(dir, "in.txt"), "from fd 3");
    // ls straight to stdout, not into a pipeline: while sh sets up a pipeline it holds the pipes'
    // ends itself, and ls could list them (seen once: "0 1 2 4").
    const r = await run('echo "cwd=$(pwd)"; env | sort; echo "fds:"; ls /proc/$$/fd; echo ":fds"; cat <&3; echo oops >&2; exit 7', {
      env: { ...ENV, ONLY: "this" },
      fd3: join(dir, "in.txt"),
    });
    expect(r.code).toBe(7);
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe("oops\n");
    expect(r.stdout).toContain("cwd=/\n");
    const names = r.stdout
      .split("\n")
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.split("=")[0]);
    expect(names.filter((n) => !["PWD", "SHLVL", "_"].includes(n!))).toEqual(["LC_ALL", "ONLY", "PATH"]);
    // sh's own descriptors: the four it was given (ls's listing of sh's table, so ls's own are not in it)
    expect(fdsOf(r.stdout.slice(r.stdout.indexOf("fds:\n") + 5, r.stdout.indexOf(":fds")))).toEqual([0, 1, 2, 3]);
    expect(r.stdout).toContain("from fd 3");
    const without = await run("ls /proc/$$/fd; :"); // `; :`: sh waits for ls rather than becoming it
    expect(fdsOf(without.stdout)).toEqual([0, 1, 2]);
  });

  it("appends stdout to a file of ours, and keeps the streams of tools running at once apart", async () => {
    const file = join(dir, "out.bin");
    await writeFile(file, "HEAD");
    const toFile = await collect(relaySpawn(["sh", "-c", "printf abc; echo err >&2"], { env: ENV, stdout: { appendTo: file } }));
    expect(toFile).toMatchObject({ code: 0, stderr: "err\n" });
    expect(await readFile(file, "utf8")).toBe("HEADabc");
    // Five at once, each writing 300 KB to stdout and 100 KB to stderr in small pieces.
    const many = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        run(`i=0; while [ $i -lt 100 ]; do head -c 3000 /dev/zero | tr '\\0' ${i}; head -c 1000 /dev/zero | tr '\\0' e >&2; i=$((i+1)); done`),
      ),
    );
    many.forEach((r, k) => {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(String(k + 1).repeat(300_000));
      expect(r.stderr).toBe("e".repeat(100_000));
    });
  });

  it("reports a tool that cannot start as an error with its errno name, and a signal by name", async () => {
    const missing = relaySpawn(["mp4t-no-such-tool"], { env: ENV });
    await expect(collect(missing)).rejects.toMatchObject({ code: "ENOENT" });
    await expect(collect(relaySpawn(["sh", "-c", "cat <&3"], { env: ENV, fd3: join(dir, "absent") }))).rejects.toMatchObject({ code: "ENOENT" });
    expect(await run("kill -TERM $$")).toMatchObject({ code: null, signal: "SIGTERM" });
  });

  it("lowers the tool's CPU priority by the nice value given, and leaves it as ours without one", async () => {
    const { getPriority } = await import("node:os");
    const ours = getPriority();
    // Field 19 of /proc/<pid>/stat is the nice value (the 17th after the command's name in parentheses).
    const niceOf = "sed 's/.*) //' /proc/self/stat | cut -d' ' -f17";
    expect(await run(niceOf, { nice: 7 })).toMatchObject({ code: 0, stdout: `${Math.min(19, ours + 7)}\n` });
    expect(await run(niceOf)).toMatchObject({ code: 0, stdout: `${ours}\n` });
  });

  it("refuses with EINVAL what exec cannot take whole (a NUL in an argument, a path or the environment, an empty or '=' name) and a nice value outside 0-19", async () => {
    const refused = [
      collect(relaySpawn(["sh", "-c", "echo a\0b"], { env: ENV })),
      collect(relaySpawn(["cat"], { env: ENV, fd3: join(dir, "in.txt\0.wav") })),
      collect(relaySpawn(["cat"], { env: ENV, stdout: { appendTo: join(dir, "out\0") } })),
      collect(relaySpawn(["true"], { env: ENV, cwd: "/tmp\0/x" })),
      collect(relaySpawn(["true"], { env: { ...ENV, "A=B": "c" } })),
      collect(relaySpawn(["true"], { env: { ...ENV, A: "b\0c" } })),
      collect(relaySpawn([], { env: ENV })),
      collect(relaySpawn(["true"], { env: ENV, nice: -1 })),
      collect(relaySpawn(["true"], { env: ENV, nice: 20 })),
      collect(relaySpawn(["true"], { env: ENV, nice: 1.5 })),
    ];
    for (const ended of refused) await expect(ended).rejects.toMatchObject({ code: "EINVAL", syscall: "spawn" });
    expect(await run("echo fine")).toMatchObject({ code: 0, stdout: "fine\n" });
  });

  it("fails a spawn with ERELAY, naming the cause, when the relay cannot start for want of descriptors", async () => {
    // A second Node process that uses up its descriptors (EMFILE), then asks for a tool: an error, not a crash.
    const script = join(dir, "emfile.ts");
    await writeFile(
      script,
      `import { openSync } from "node:fs";\n` +
        `import { relaySpawn } from ${JSON.stringify(new URL("./spawn-relay.ts", import.meta.url).pathname)};\n` +
        `try { for (;;) openSync("/dev/null", "r"); } catch (e) { if (e.code !== "EMFILE") throw e; }\n` +
        `relaySpawn(["true"], { env: { PATH: process.env.PATH } }).once("error", (e) => { console.log(e.code, e.message); process.exit(0); });\n`,
    );
    const { execFile } = await import("node:child_process");
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        "prlimit",
        ["--nofile=64", "--", process.execPath, script],
        { timeout: 20_000, env: { ...process.env, MP4T_SPAWN_RELAY: CHOICE } },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    expect(out.trim()).toMatch(/^ERELAY the spawn relay ended: .*EMFILE/);
  });

  it("kills the tool on abort, at once or before it starts, and tells of the abort once it is gone", async () => {
    const ac = new AbortController();
    const child = relaySpawn(["sh", "-c", "echo $$; exec sleep 30"], { env: ENV, signal: ac.signal });
    const pid = await new Promise<number>((resolve) => child.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))));
    expect(alive(pid)).toBe(true);
    const ended = collect(child);
    ac.abort();
    await expect(ended).rejects.toMatchObject({ name: "AbortError" });
    // Told only once the relay has reaped it, as Node's own spawn kills before it tells: gone already.
    expect(alive(pid)).toBe(false);
    await expect(collect(relaySpawn(["true"], { env: ENV, signal: AbortSignal.abort() }))).rejects.toMatchObject({ name: "AbortError" });
  });

  it.runIf(root)("runs the tool as another user with no supplementary groups, in a directory it could not reach itself", async () => {
    // The kernel's list of supplementary groups: empty (not even its own gid).
    const r = await run("id -u; id -g; awk '/^Groups:/ { print NF - 1 }' /proc/self/status", { uid: 65534, gid: 65534 });
    expect(r).toMatchObject({ code: 0, stdout: "65534\n65534\n0\n" });
    // Its directory under one of ours (0700): entered before the user changes, as libuv does.
    const closed = await mkdtemp(join(dir, "closed-"));
    const own = join(closed, "own");
    await mkdir(own);
    await writeFile(join(own, "chunk.txt"), "mine");
    await chown(own, 65534, 65534);
    await chown(join(own, "chunk.txt"), 65534, 65534);
    expect(await run("pwd; cat chunk.txt; ls .. >/dev/null 2>&1 || echo denied", { uid: 65534, gid: 65534, cwd: own })).toMatchObject({
      code: 0,
      stdout: `${own}\nminedenied\n`,
    });
  });

  it("fails the tools in flight with ERELAY when the relay is killed, the kernel kills its tools, and a new relay starts for the next", async () => {
    const child = relaySpawn(["sh", "-c", "echo $$; exec sleep 30"], { env: ENV });
    const pid = await new Promise<number>((resolve) => child.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))));
    const ended = collect(child);
    const [relay] = await relayPids();
    expect(relay).toBeDefined();
    process.kill(relay!, "SIGKILL");
    await expect(ended).rejects.toMatchObject({ code: "ERELAY" });
    // SIGKILL leaves the relay no step of its own: the tool's parent-death signal (prctl) ends it.
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
    expect(await run("echo again")).toMatchObject({ code: 0, stdout: "again\n" });
    const now = await relayPids();
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(relay);
  });

  it("finds the program as execvp does: on a relative PATH entry in the tool's directory, past one its user may not run, and a script without #! through sh", async () => {
    // Not under `dir` (0700, root's): the media user's exec must reach the files below.
    const work = await reachable("lookup-");
    await mkdir(join(work, "bin"));
    await writeFile(join(work, "bin", "mytool"), "#!/bin/sh\necho found-relative\n", { mode: 0o755 });
    await writeFile(join(work, "noshebang"), "echo by-sh\n", { mode: 0o755 });
    expect(await collect(relaySpawn(["mytool"], { env: { PATH: "bin:/usr/bin:/bin" }, cwd: work }))).toMatchObject({ code: 0, stdout: "found-relative\n" });
    expect(await collect(relaySpawn(["./noshebang"], { env: ENV, cwd: work }))).toMatchObject({ code: 0, stdout: "by-sh\n" });
    if (root) {
      // The first `t` only its owner (root) may run: the media user's exec goes on to the second.
      const [p1, p2] = [join(work, "p1"), join(work, "p2")];
      for (const [d, says, mode] of [
        [p1, "p1", 0o744],
        [p2, "p2", 0o755],
      ] as const) {
        await mkdir(d, { mode: 0o755 });
        await writeFile(join(d, "t"), `#!/bin/sh\necho ${says}\n`, { mode });
      }
      const r = await collect(relaySpawn(["t"], { env: { PATH: `${p1}:${p2}` }, uid: 65534, gid: 65534 }));
      expect(r).toMatchObject({ code: 0, stdout: "p2\n" });
    }
  });

  it("costs no thread for a tool in flight: thirty at once, at two nice values", async () => {
    const tools = Array.from({ length: 30 }, (_, i) => relaySpawn(["sh", "-c", "echo up; exec sleep 2"], { env: ENV, nice: i % 2 === 0 ? 0 : 5 }));
    const ended = Promise.all(tools.map(collect));
    await Promise.all(tools.map((c) => new Promise((resolve) => c.stdout!.once("data", resolve))));
    const [pid] = await relayPids();
    const threads = Number(/^Threads:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, "utf8"))?.[1]);
    // Perl's one; Go's runtime (a few) and one starting thread per nice value used, not one a tool.
    expect(threads).toBeGreaterThan(0);
    expect(threads).toBeLessThan(15);
    for (const r of await ended) expect(r).toMatchObject({ code: 0, stdout: "up\n" });
  });

  it.runIf(root)("answers EAGAIN for a tool its user's process limit refuses, and keeps the others running", async () => {
    // The relay as a user of its own (no other process of that uid runs) with room for 20
    // processes and threads: 40 tools asked for at once.
    const own = await reachable("nproc-");
    const program = join(own, command.at(-1)!.split("/").at(-1)!);
    await copyFile(command.at(-1)!, program);
    await chmod(program, 0o755);
    const { spawn } = await import("node:child_process");
    const relay = spawn("prlimit", ["--nproc=20:20", "--", ...command.slice(0, -1), program], {
      stdio: ["pipe", "pipe", "pipe"],
      uid: 64999,
      gid: 64999,
      cwd: "/",
    });
    let out = "";
    let err = "";
    relay.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    relay.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const hex = (t: string) => Buffer.from(t).toString("hex");
    const req = (id: number) => `s ${id} -1 -1 0 - - - ${hex("PATH=/usr/bin:/bin")} ${hex("sleep")} ${hex("1")}\n`;
    relay.stdin.write(Array.from({ length: 40 }, (_, i) => req(i + 1)).join(""));
    const replies = () => out.split("\n").filter((l) => / [xf] /.test(l));
    await expect.poll(() => `${replies().length} ${err}`, { timeout: 15_000 }).toBe("40 ");
    relay.stdin.end();
    const code = await new Promise((resolve) => relay.once("exit", resolve));
    expect(code).toBe(0);
    const kinds = replies().map((l) => l.split(" ").slice(1).join(" "));
    expect(kinds.filter((k) => k === "f 11").length).toBeGreaterThan(0);
    expect(kinds.filter((k) => k === "x 0 0").length).toBeGreaterThan(5);
    expect(kinds.every((k) => k === "f 11" || k === "x 0 0")).toBe(true);
  });

  it("answers a malformed request with EINVAL instead of leaving it unanswered, and serves the next", async () => {
    const { spawn } = await import("node:child_process");
    const relay = spawn(command[0]!, command.slice(1), { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    relay.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    const hex = (t: string) => Buffer.from(t).toString("hex");
    const env = hex("PATH=/usr/bin:/bin");
    const good = ["-", "-", "-", env, hex("true")].join(" ");
    // Too few fields; a user that is not a number; a field that is not hex; a NUL in the program's
    // name and in a path (exec and open would cut them short); a nice value below 0 (a higher
    // priority) and above 19; then a good one.
    relay.stdin.write(
      `s 1 -1 -1 0 ${hex("/")}\ns 2 x -1 0 ${good}\ns 3 -1 -1 0 - - - zz ${hex("true")}\n` +
        `s 4 -1 -1 0 - - - ${env} ${hex("true\0-rf")}\ns 5 -1 -1 0 - - ${hex("/etc/passwd\0.wav")} ${env} ${hex("true")}\n` +
        `s 6 -1 -1 -5 ${good}\ns 7 -1 -1 20 ${good}\ns 8 -1 -1 0 ${good}\n`,
    );
    await expect.poll(() => out, { timeout: 5000 }).toContain("8 x 0 0\n");
    expect(out.split("\n").filter(Boolean)).toEqual(["1 f 22", "2 f 22", "3 f 22", "4 f 22", "5 f 22", "6 f 22", "7 f 22", "8 x 0 0"]);
    relay.stdin.end();
    await new Promise((resolve) => relay.once("exit", resolve));
  });

  it("kills its tools and exits when this process lets go of it", async () => {
    // A second Node process with its own relay: it starts a tool and exits without waiting.
    const script = join(dir, "orphan.ts");
    await writeFile(
      script,
      `import { relaySpawn } from ${JSON.stringify(new URL("./spawn-relay.ts", import.meta.url).pathname)};\n` +
        `const c = relaySpawn(["sh", "-c", "echo $$; exec sleep 30"], { env: { PATH: process.env.PATH } });\n` +
        `c.stdout.once("data", (d) => { process.stdout.write(d); process.exit(0); });\n`,
    );
    const { execFile } = await import("node:child_process");
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [script], { env: { ...process.env, MP4T_SPAWN_RELAY: CHOICE } }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    const pid = Number(out.trim());
    expect(pid).toBeGreaterThan(0);
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
  });
});
