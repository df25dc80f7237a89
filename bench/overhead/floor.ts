/**
 * The floor: a bare nats.js script making the hops the system made per job (measured by
 * traffic.ts in the same run), with the same payload sizes and no work at all: work commands
 * published to a work-queue stream, pulled and acked one at a time; events published; a job
 * record created, read and compare-and-set; blobs of the same sizes put in an Object Store and
 * read back with batched direct gets, or, when the system kept them in a directory, written to a
 * file and renamed into place, then read back whole; at the job's end every blob it wrote deleted,
 * as the system's cleanup deletes a job's blobs. Subjects and
 * stream names follow the system's (`mp4t.v1.work.>`, `mp4t.v1.events.>`, `KV_<bucket>` on
 * `$KV.<bucket>.>`, `OBJ_<bucket>` on `$O.<bucket>.>`), so the bench's traffic counter, subscribed
 * to this server as to the system's, counts the floor's hops as it counts the system's: the same
 * observer on both sides, and a check that the floor made the hops it was planned to make.
 * Run as its own process so /proc counts it alone.
 *
 * The job's HTTP hops too, each side as the system run counts it: the upload arrives at a bare
 * node:http server in this process (the gateway's side; the client is the bench, not counted),
 * its body streamed to a file; the engine requests go from here to the same fake engine the
 * system used, in the bench's process (the transcriber's side: the adapter's multipart body, a
 * WAV of the same size in it, sent; the JSON answer read and parsed).
 *
 *   node bench/overhead/floor.ts <nats url> <plan.json>
 *   stdout: "ready <upload port>", then one JSON line once every job has made its hops
 */
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { readFile, rename, truncate, unlink, writeFile } from "node:fs/promises";
import { createServer, request } from "node:http";
import { pipeline } from "node:stream/promises";
import { dirname, join } from "node:path";
import { connect, headers } from "@nats-io/transport-node";
import { multipartBody } from "../../packages/runtime/src/index.ts";
import { WAV_HEADER_BYTES, wavHeader } from "../../services/ingest/src/index.ts";
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
  /**
   * Which of objectsWritten the system moved into its file store rather than wrote (the audio:
   * ffmpeg's file, its writing the media tools' CPU): the floor makes them a file of that size, a
   * header's bytes written, the rest a hole, and renames it in.
   */
  objectsMoved: number[];
  objectsRead: number[];
  /** Jobs in flight at once, as in the system run. */
  parallel: number;
  /** Requests to the transcription engine per job, and their files' size. */
  engine: { n: number; fileBytes: number; baseURL: string; apiKey: string };
};

const CHUNK = 128 * 1024; // the Object Store client's chunk size
const [url, planFile] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile!, "utf8")) as FloorPlan;
const nc = await connect({ servers: url! });
const js = jetstream(nc);
const jsm = await jetstreamManager(nc);
// KV and Object Store are streams underneath; the floor uses them bare (what Kvm/Objm send).
await jsm.streams.add({ name: "FLOOR_WORK", subjects: ["mp4t.v1.work.floor.>"], retention: RetentionPolicy.Workqueue });
await jsm.streams.add({ name: "FLOOR_EVENTS", subjects: ["mp4t.v1.events.>"] });
await jsm.streams.add({ name: "KV_floor", subjects: ["$KV.floor.>"], max_msgs_per_subject: 1, allow_direct: true });
await jsm.streams.add({ name: "OBJ_floor", subjects: ["$O.floor.>"], allow_direct: true, allow_rollup_hdrs: true });
await jsm.consumers.add("FLOOR_WORK", { durable_name: "floor", ack_policy: AckPolicy.Explicit });
const consumer = await js.consumers.get("FLOOR_WORK", "floor");
const payload = (n: number) => new Uint8Array(Math.max(1, Math.round(n))).fill(120);

async function kvGet(key: string) {
  return jsm.direct.getMessage("KV_floor", { last_by_subj: `$KV.floor.${key}` });
}
async function kvPut(key: string, bytes: number, lastSeq?: number) {
  const h = headers();
  if (lastSeq !== undefined) h.set("Nats-Expected-Last-Subject-Sequence", String(lastSeq));
  return js.publish(`$KV.floor.${key}`, payload(bytes), { headers: h });
}

const fileDir = join(dirname(planFile!), "floor-blobs");
mkdirSync(join(fileDir, "tmp"), { recursive: true });
mkdirSync(join(fileDir, "uploads"), { recursive: true });

/**
 * One transcription request's body as the OpenAI-compatible adapter makes it (`multipartBody`), a
 * chunk's WAV of the system's size in it, made once and sent whole each time; a JSON answer.
 */
const engineForm = await (async () => {
  const data = Math.max(0, Math.round(plan.engine.fileBytes) - WAV_HEADER_BYTES);
  const bytes = Buffer.concat([wavHeader(data), Buffer.alloc(data)]); // silence: the fake reads the header's duration
  const form = multipartBody({ model: "whisper-1", response_format: "verbose_json" }, { name: "file", filename: "chunk.wav", type: "audio/wav", bytes });
  return { body: new Uint8Array(await new Response(form.body).arrayBuffer()), contentType: form.contentType };
})();
const engineUrl = new URL(`${plan.engine.baseURL.replace(/\/$/, "")}/audio/transcriptions`);
function transcribe(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      engineUrl,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${plan.engine.apiKey}`,
          "content-type": engineForm.contentType,
          "content-length": engineForm.body.length,
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(parts).toString())) : reject(new Error(`engine ${res.statusCode}`))));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(engineForm.body);
  });
}

async function putObject(name: string, size: number, moved = false) {
  if (plan.blobs === "file") {
    const tmp = join(fileDir, "tmp", name);
    if (moved) {
      await writeFile(tmp, payload(Math.min(size, WAV_HEADER_BYTES))); // ingest's placeholder
      await truncate(tmp, size);
    } else await writeFile(tmp, payload(size));
    return rename(tmp, join(fileDir, name));
  }
  let chunks = 0;
  for (let off = 0; off < size || chunks === 0; off += CHUNK, chunks++) {
    await js.publish(`$O.floor.C.${name}`, payload(Math.min(CHUNK, size - off)));
    if (size === 0) break;
  }
  await js.publish(`$O.floor.M.${name}`, JSON.stringify({ name, size, chunks }));
}

async function readObject(name: string) {
  if (plan.blobs === "file") return void (await readFile(join(fileDir, name)));
  const meta = await jsm.direct.getMessage("OBJ_floor", { last_by_subj: `$O.floor.M.${name}` });
  const { chunks } = meta!.json<{ chunks: number }>();
  let seq = 1;
  for (let got = 0; got < chunks; ) {
    const batch = await jsm.direct.getBatch("OBJ_floor", { seq, next_by_subj: `$O.floor.C.${name}`, batch: Math.min(32, chunks - got) });
    for await (const m of batch) (got += 1), (seq = m.seq + 1);
  }
}

/** A delete as the stores make it: the file unlinked, or the object's chunks purged and its info marked deleted. */
async function deleteObject(name: string) {
  if (plan.blobs === "file") return unlink(join(fileDir, name));
  await jsm.streams.purge("OBJ_floor", { filter: `$O.floor.C.${name}` });
  await js.publish(`$O.floor.M.${name}`, JSON.stringify({ name, deleted: true }));
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
    await js.publish(`mp4t.v1.work.floor.${j}`, payload(plan.work.bytes), { msgID: `w:${j}:${i}` });
    // The shared consumer hands out whichever message is first; that is all a worker slot does.
    const m = await consumer.next({ expires: 5000 });
    m?.ack();
  }
  for (let i = 0; i < plan.engine.n; i++) await transcribe();
  for (let i = 0; i < plan.events.n; i++) await js.publish(`mp4t.v1.events.${j}`, payload(plan.events.bytes));
  const bySize = new Map<number, string>();
  const written: string[] = [];
  for (const [i, size] of plan.objectsWritten.entries()) {
    await putObject(`${j}-${i}`, size, plan.objectsMoved.includes(i));
    bySize.set(size, `${j}-${i}`);
    written.push(`${j}-${i}`);
  }
  for (const size of plan.objectsRead) {
    let name = bySize.get(size);
    if (!name) {
      await putObject((name = `${j}-r${size}`), size); // read back something of that size
      bySize.set(size, name);
      written.push(name);
    }
    await readObject(name);
  }
  // The job's cleanup: every blob written (the upload's among them: the plan's sizes are every blob
  // the system stored, its upload included, so the file the upload streamed into stays as the
  // floor's one extra write, not deleted a second time).
  for (const name of written) await deleteObject(name);
}

// The uploads start the jobs: each body streamed to a file, answered 202, the job queued.
const received: number[] = [];
const waiters: (() => void)[] = [];
let uploads = 0;
const server = createServer((req, res) => {
  if (req.method !== "POST") return void res.writeHead(405).end();
  const j = uploads++;
  pipeline(req, createWriteStream(join(fileDir, "uploads", String(j)))).then(
    () => {
      res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ id: String(j) }));
      received.push(j);
      waiters.shift()?.();
    },
    (err: Error) => res.writeHead(500).end(err.message),
  );
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));

// Set-up is not a hop: the parent samples /proc between "ready" and the result line.
process.stdout.write(`ready ${(server.address() as { port: number }).port}\n`);
const stdin = (await import("node:readline")).createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const t0 = performance.now();
let started = 0;
await Promise.all(
  Array.from({ length: plan.parallel }, async () => {
    while (started < plan.jobs) {
      const j = received.shift();
      if (j === undefined) {
        await new Promise<void>((r) => waiters.push(r));
        continue;
      }
      if (++started === plan.jobs) for (const w of waiters.splice(0)) w(); // the others are done waiting
      await job(j);
    }
  }),
);
process.stdout.write(JSON.stringify({ wallSec: (performance.now() - t0) / 1000 }) + "\n");
await stdin.next(); // the parent has sampled
server.close();
await nc.close();
