import { Streams, Subjects, type DeadLetter, type Stage } from "@mp4t/contracts";
import { startNats, type NatsServer } from "@mp4t/testing";
import { AckPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { nanos, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AppError, newId } from "@mp4t/contracts";
import { deadLetterJob } from "@mp4t/messaging";
import { createDeadLetters, ensureTopology } from "@mp4t/messaging/internal";

let nats: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;

beforeAll(async () => {
  nats = await startNats();
  nc = await nats.connect();
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  await ensureTopology(jsm);
});
afterAll(async () => {
  await nc?.close();
  await nats?.[Symbol.asyncDispose]();
});
beforeEach(async () => {
  for (const s of [Streams.deadLetters, Streams.lane("high"), Streams.lane("critical")]) await jsm.streams.purge(s);
});

/** A letter exactly as the worker runner writes one. */
async function letter(stage: Stage, data: string, code = "RETRIES_EXHAUSTED"): Promise<number> {
  const l: DeadLetter = {
    v: 1,
    stage,
    subject: Subjects.work(stage, "interactive"),
    data,
    error: { code, message: "boom" },
    deliveries: 5,
    service: "test",
    at: new Date().toISOString(),
  };
  return (await js.publish(Subjects.deadLetter(stage), JSON.stringify(l))).seq;
}
const command = (jobId = newId()) => JSON.stringify({ v: 1, jobId, userId: "u1" });

/** Every message now on a work subject, with its Nats-Msg-Id, read by a throwaway consumer. */
async function workMessages(stage: Stage) {
  const stream = Streams.lane(stage === "ingest" ? "critical" : "high");
  const { name } = await jsm.consumers.add(stream, {
    ack_policy: AckPolicy.Explicit,
    filter_subject: Subjects.stageFilter(stage),
    inactive_threshold: nanos(30_000),
  });
  const c = await js.consumers.get(stream, name);
  const pending = (await c.info()).num_pending;
  const out: { data: string; msgId: string | undefined; subject: string }[] = [];
  if (pending > 0) {
    for await (const m of await c.fetch({ max_messages: pending, expires: 2000 })) {
      out.push({ data: m.string(), msgId: m.headers?.get("Nats-Msg-Id"), subject: m.subject });
      if (out.length === pending) break;
    }
  }
  await jsm.consumers.delete(stream, name);
  return out;
}

describe("dead letters", () => {
  it("lists oldest first in pages, filtered by stage", async () => {
    const seqs = [
      await letter("diarize", command()),
      await letter("ingest", command()),
      await letter("diarize", command()),
      await letter("diarize", command()),
    ];
    const dl = createDeadLetters({ js, jsm });
    const p1 = await dl.list({ stage: "diarize", limit: 2 });
    expect(p1.items.map((e) => e.seq)).toEqual([seqs[0], seqs[2]]);
    expect(p1.next).toBe(seqs[3]);
    const p2 = await dl.list({ stage: "diarize", limit: 2, cursor: p1.next! });
    expect(p2.items.map((e) => e.seq)).toEqual([seqs[3]]);
    expect(p2.next).toBeNull();
    expect((await dl.list({ limit: 10 })).items.map((e) => e.letter.stage)).toEqual(["diarize", "ingest", "diarize", "diarize"]);
    expect((await dl.list({ stage: "enhance", limit: 10 })).items).toEqual([]);
  });

  it("inspects one letter by sequence; an unknown sequence is null", async () => {
    const data = command();
    const seq = await letter("diarize", data, "STAGE_TIMEOUT");
    const dl = createDeadLetters({ js, jsm });
    const e = await dl.get(seq);
    expect(e?.letter).toMatchObject({ stage: "diarize", data, error: { code: "STAGE_TIMEOUT" }, deliveries: 5 });
    expect(Date.parse(e!.time)).toBeGreaterThan(0);
    expect(await dl.get(seq + 100)).toBeNull();
    expect(await dl.get(0)).toBeNull();
  });

  it("re-drives one letter: the job hook first, then the original data on its subject with a fresh id, then the letter is gone", async () => {
    const jobId = newId();
    const seq = await letter("diarize", command(jobId));
    const calls: string[] = [];
    const dl = createDeadLetters({
      js,
      jsm,
      beforeRedrive: async (job) => {
        // The message must not be on the work queue before the job is made ready for it.
        calls.push(`${job.stage}:${job.jobId}:${(await workMessages("diarize")).length}`);
      },
    });
    expect(await dl.redrive(seq)).toBe(true);
    expect(calls).toEqual([`diarize:${jobId}:0`]);
    const work = await workMessages("diarize");
    expect(work).toEqual([{ data: command(jobId), msgId: `redrive:${seq}`, subject: Subjects.work("diarize", "interactive") }]);
    expect(await dl.get(seq)).toBeNull();
    expect(await dl.redrive(seq)).toBe(false);
  });

  it("re-drives every letter of a stage present at the call, leaving poison and other stages", async () => {
    const a = await letter("diarize", command());
    await letter("diarize", "{not json", "POISON_MESSAGE");
    const b = await letter("diarize", command());
    const other = await letter("ingest", command());
    const dl = createDeadLetters({ js, jsm });
    expect(await dl.redriveAll("diarize")).toBe(2);
    expect((await workMessages("diarize")).map((w) => w.msgId).sort()).toEqual([`redrive:${a}`, `redrive:${b}`].sort());
    const left = (await dl.list({ limit: 10 })).items;
    expect(left.map((e) => [e.letter.stage, e.letter.error.code])).toEqual([
      ["diarize", "POISON_MESSAGE"],
      ["ingest", "RETRIES_EXHAUSTED"],
    ]);
    expect(left[1]!.seq).toBe(other);
  });

  it("refuses to re-drive a poison message with DEAD_LETTER_UNREDRIVABLE", async () => {
    const seq = await letter("diarize", JSON.stringify({ v: 1, jobId: "nope" }), "POISON_MESSAGE");
    const dl = createDeadLetters({ js, jsm });
    const err = await dl.redrive(seq).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("DEAD_LETTER_UNREDRIVABLE");
    expect(await dl.get(seq)).not.toBeNull();
  });
});

describe("deadLetterJob", () => {
  const base = { v: 1 as const, subject: "x", error: { code: "X", message: "m" }, deliveries: 1, service: "s", at: new Date().toISOString() };
  it("reads the job of a valid command and rejects poison or unknown stages", () => {
    const jobId = newId();
    expect(deadLetterJob({ ...base, stage: "enhance", data: command(jobId) })).toEqual({ stage: "enhance", jobId, userId: "u1" });
    expect(deadLetterJob({ ...base, stage: "enhance", data: "{" })).toBeNull();
    expect(deadLetterJob({ ...base, stage: "transcribe", data: command() })).toBeNull(); // no chunk: not a transcribe command
    expect(deadLetterJob({ ...base, stage: "bogus", data: command() })).toBeNull();
  });
});
