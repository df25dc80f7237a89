/**
 * The floor: a bare nats.js script making the hops the system made per job (measured by
 * traffic.ts in the same run), with the same payload sizes and no work at all: work commands
 * published to a work-queue stream, pulled and acked one at a time; events published; a job
 * record created, read and compare-and-set; blobs of the same sizes put in an Object Store and
 * read back with batched direct gets, or, when the system kept them in a directory, written to a
 * file and renamed into place, then read back whole. Run as its own process so /proc counts it alone.
 *
 *   node bench/overhead/floor.ts <nats url> <plan.json>
 */
import { mkdirSync, readFileSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { connect, headers } from "@nats-io/transport-node";
import { AckPolicy, RetentionPolicy, jetstream, jetstreamManager } from "../../tests/lanes/jetstream.ts";

export type FloorPlan = {
  jobs: number;
  /** Per job. */
  work: { n: number; bytes: number };
  events: { n: number; bytes: number };
  kvWrites: { n: number; bytes: number };
  kvReads: number;
  /** Where the system kept its blobs: NATS Object Store chunks or files. */
  blobs: "nats" | "file";
  objectsWritten: number[];
  objectsRead: number[];
  /** Jobs in flight at once, as in the system run. */
  parallel: number;
};

const CHUNK = 128 * 1024; // the Object Store client's chunk size
const [url, planFile] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile!, "utf8")) as FloorPlan;
const nc = await connect({ servers: url! });
const js = jetstream(nc);
const jsm = await jetstreamManager(nc);
// KV and Object Store are streams underneath; the floor uses them bare (what Kvm/Objm send).
await jsm.streams.add({ name: "FLOOR_WORK", subjects: ["floor.work.>"], retention: RetentionPolicy.Workqueue });
await jsm.streams.add({ name: "FLOOR_EVENTS", subjects: ["floor.events.>"] });
await jsm.streams.add({ name: "FLOOR_KV", subjects: ["floor.kv.>"], max_msgs_per_subject: 1, allow_direct: true });
await jsm.streams.add({ name: "FLOOR_OBJ", subjects: ["floor.obj.>"], allow_direct: true, allow_rollup_hdrs: true });
await jsm.consumers.add("FLOOR_WORK", { durable_name: "floor", ack_policy: AckPolicy.Explicit });
const consumer = await js.consumers.get("FLOOR_WORK", "floor");
const payload = (n: number) => new Uint8Array(Math.max(1, Math.round(n))).fill(120);

async function kvGet(key: string) {
  return jsm.direct.getMessage("FLOOR_KV", { last_by_subj: `floor.kv.${key}` });
}
async function kvPut(key: string, bytes: number, lastSeq?: number) {
  const h = headers();
  if (lastSeq !== undefined) h.set("Nats-Expected-Last-Subject-Sequence", String(lastSeq));
  return js.publish(`floor.kv.${key}`, payload(bytes), { headers: h });
}

const fileDir = join(dirname(planFile!), "floor-blobs");
mkdirSync(join(fileDir, "tmp"), { recursive: true });

async function putObject(name: string, size: number) {
  if (plan.blobs === "file") {
    const tmp = join(fileDir, "tmp", name);
    await writeFile(tmp, payload(size));
    return rename(tmp, join(fileDir, name));
  }
  let chunks = 0;
  for (let off = 0; off < size || chunks === 0; off += CHUNK, chunks++) {
    await js.publish(`floor.obj.C.${name}`, payload(Math.min(CHUNK, size - off)));
    if (size === 0) break;
  }
  await js.publish(`floor.obj.M.${name}`, JSON.stringify({ name, size, chunks }));
}

async function readObject(name: string) {
  if (plan.blobs === "file") return void (await readFile(join(fileDir, name)));
  const meta = await jsm.direct.getMessage("FLOOR_OBJ", { last_by_subj: `floor.obj.M.${name}` });
  const { chunks } = meta!.json<{ chunks: number }>();
  let seq = 1;
  for (let got = 0; got < chunks; ) {
    const batch = await jsm.direct.getBatch("FLOOR_OBJ", { seq, next_by_subj: `floor.obj.C.${name}`, batch: Math.min(32, chunks - got) });
    for await (const m of batch) (got += 1), (seq = m.seq + 1);
  }
}

async function job(j: number) {
  const key = `u.${j}`;
  let pa = await kvPut(key, plan.kvWrites.bytes);
  for (let i = 1; i < plan.kvWrites.n; i++) {
    await kvGet(key);
    pa = await kvPut(key, plan.kvWrites.bytes, pa.seq);
  }
  for (let i = plan.kvWrites.n - 1; i < plan.kvReads; i++) await kvGet(key);
  for (let i = 0; i < plan.work.n; i++) {
    await js.publish(`floor.work.${j}`, payload(plan.work.bytes), { msgID: `w:${j}:${i}` });
    // The shared consumer hands out whichever message is first; that is all a worker slot does.
    const m = await consumer.next({ expires: 5000 });
    m?.ack();
  }
  for (let i = 0; i < plan.events.n; i++) await js.publish(`floor.events.${j}`, payload(plan.events.bytes));
  const bySize = new Map<number, string>();
  for (const [i, size] of plan.objectsWritten.entries()) {
    await putObject(`${j}-${i}`, size);
    bySize.set(size, `${j}-${i}`);
  }
  for (const size of plan.objectsRead) {
    let name = bySize.get(size);
    if (!name) await putObject((name = `${j}-r${size}`), size); // read back something of that size
    await readObject(name);
  }
}

// Set-up is not a hop: the parent samples /proc between "ready" and the result line.
const stdin = (await import("node:readline")).createInterface({ input: process.stdin })[Symbol.asyncIterator]();
process.stdout.write("ready\n");
await stdin.next();
const t0 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: plan.parallel }, async () => {
    while (next < plan.jobs) await job(next++);
  }),
);
process.stdout.write(JSON.stringify({ wallSec: (performance.now() - t0) / 1000 }) + "\n");
await stdin.next(); // the parent has sampled
await nc.close();
