import { mkdtemp, open, rm, statfs, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { natsServerBin } from "@mp4t/runtime/toolchain";
import { freePort, mountSmallDisk } from "@mp4t/testing";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { natsRestartFreeBytes, superviseNats, type SupervisedNats } from "../../scripts/supervise.mjs";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A JetStream API call over plain request/reply; its error (if any) as `{ error }`. */
async function jsApi(nc: NatsConnection, subject: string, body: unknown = {}): Promise<Record<string, unknown>> {
  const m = await nc.request(`$JS.API.${subject}`, json(body), { timeout: 3000 });
  return m.json();
}

/** Publishes to JetStream and waits for its acknowledgement: true once stored, false if refused or unanswered. */
async function stored(nc: NatsConnection, subject: string, data: Uint8Array): Promise<boolean> {
  try {
    const ack = (await nc.request(subject, data, { timeout: 2000 })).json<{ error?: unknown; seq?: number }>();
    return !ack.error && typeof ack.seq === "number";
  } catch {
    return false;
  }
}

async function startServer(storeDir: string, lines: string[]) {
  const port = await freePort();
  const nats = superviseNats({
    bin: natsServerBin(),
    args: ["-js", "-sd", storeDir, "-a", "127.0.0.1", "-p", String(port)],
    env: { PATH: process.env.PATH ?? "", GOMAXPROCS: "1" },
    storeDir,
    log: (line) => lines.push(line),
    pollMs: 100,
  });
  const nc = await until("nats-server to serve", () =>
    connect({ servers: `127.0.0.1:${port}`, reconnectTimeWait: 100, maxReconnectAttempts: -1 }).catch(() => undefined),
  );
  nats.keep();
  return { nats, nc };
}

async function streamMessages(nc: NatsConnection, name: string): Promise<number | undefined> {
  const info = await jsApi(nc, `STREAM.INFO.${name}`).catch(() => undefined);
  return (info?.state as { messages?: number } | undefined)?.messages;
}

describe("superviseNats: npm start keeps its embedded nats-server running", () => {
  it("restarts a nats-server that died, with the streams it had stored", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mp4t-nats-sup-"));
    const lines: string[] = [];
    let nats: SupervisedNats | undefined;
    try {
      const started = await startServer(dir, lines);
      nats = started.nats;
      const { nc } = started;
      expect(await jsApi(nc, "STREAM.CREATE.KEPT", { name: "KEPT", subjects: ["kept.>"], storage: "file" })).not.toHaveProperty("error");
      for (let i = 0; i < 3; i++) expect(await stored(nc, `kept.${i}`, json({ i }))).toBe(true);
      const first = nats.pid!;
      process.kill(first, "SIGKILL");
      // A new server on the same store: the stream and its three messages are there, and it takes a fourth.
      await until("a new nats-server", () => (nats!.pid !== first && nats!.pid !== undefined ? true : undefined));
      await until("the stream served again", async () => ((await streamMessages(nc, "KEPT")) === 3 ? true : undefined));
      expect(await stored(nc, "kept.3", json({ i: 3 }))).toBe(true);
      expect(await streamMessages(nc, "KEPT")).toBe(4);
      expect(lines.join("\n")).toMatch(/nats-server exited \(SIGKILL\); restarting in \d+ ms/);
      await nc.close();
    } finally {
      await nats?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("restarts a nats-server whose store's disk filled once there is room again, and keeps what it had stored", async (ctx) => {
    const disk = await mountSmallDisk(48 * 2 ** 20);
    // Mounting needs root (the suite's machines have it); elsewhere the reason is printed as the skip's note.
    if ("unavailable" in disk) return ctx.skip(disk.unavailable);
    await using _disk = disk;
    const lines: string[] = [];
    let nats: SupervisedNats | undefined;
    try {
      const started = await startServer(disk.dir, lines);
      nats = started.nats;
      const { nc } = started;
      expect(await jsApi(nc, "STREAM.CREATE.FULL", { name: "FULL", subjects: ["full.>"], storage: "file" })).not.toHaveProperty("error");
      const payload = new Uint8Array(32 * 1024).fill(7);
      let acked = 0;
      for (let i = 0; i < 10; i++) if (await stored(nc, `full.${i}`, payload)) acked++;
      expect(acked).toBe(10);
      // Something else takes the rest of the disk, under the share JetStream reserved at its start.
      const filler = join(disk.dir, "filler");
      const fh = await open(filler, "w");
      const block = Buffer.alloc(1024 * 1024, 1);
      try {
        for (;;) await fh.write(block);
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe("ENOSPC");
      }
      try {
        for (;;) await fh.write(Buffer.alloc(4096, 1));
      } catch {
        /* the last pages */
      }
      await fh.close();
      // Writes now fail in the server; it logs its disk full and is left running until there is room.
      for (let i = 0; i < 200 && !lines.some((l) => l.includes("ran out of disk space")); i++) if (await stored(nc, `full.x${i}`, payload)) acked++;
      expect(lines.join("\n")).toContain("ran out of disk space");
      const wedged = nats.pid!;
      await sleep(1000); // ten polls of a full disk: no restart
      expect(nats.pid).toBe(wedged);
      expect(lines.join("\n")).not.toContain("restarting nats-server");
      // Room again: the supervisor restarts it, and the stream takes writes and still holds what it acknowledged.
      await unlink(filler);
      const fs = await statfs(disk.dir);
      expect(fs.bavail * fs.bsize).toBeGreaterThanOrEqual(natsRestartFreeBytes({}, fs.blocks * fs.bsize));
      await until("a restarted nats-server", () => (nats!.pid !== wedged && nats!.pid !== undefined ? true : undefined));
      expect(lines.join("\n")).toContain("restarting nats-server");
      const ok = await until("the stream to take writes again", async () => ((await stored(nc, "full.after", payload)) ? true : undefined));
      expect(ok).toBe(true);
      expect(await streamMessages(nc, "FULL")).toBeGreaterThanOrEqual(acked + 1);
      await nc.close();
    } finally {
      await nats?.stop();
    }
  }, 90_000);
});

describe("natsRestartFreeBytes", () => {
  it("asks for the uploads' reserve, at most a tenth of the disk, at least 1 MiB", () => {
    const MiB = 2 ** 20;
    expect(natsRestartFreeBytes({}, 100 * 1024 * MiB)).toBe(256 * MiB);
    expect(natsRestartFreeBytes({ UPLOAD_MIN_FREE_BYTES: String(64 * MiB) }, 100 * 1024 * MiB)).toBe(64 * MiB);
    expect(natsRestartFreeBytes({}, 48 * MiB)).toBe(Math.floor(4.8 * MiB));
    expect(natsRestartFreeBytes({ UPLOAD_MIN_FREE_BYTES: "0" }, 100 * 1024 * MiB)).toBe(MiB);
  });
});
