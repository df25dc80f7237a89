import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobKeys, Transcript, type ChunkResult, type Job, type Word } from "@mp4t/contracts";
import { getJson, putJson } from "@mp4t/stores";
import { sampleJob } from "@mp4t/stores/conformance";
import { startNats, type NatsServer } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWav } from "../src/diarization/wav.ts";
import { diarizeHandler } from "../src/handlers/diarize.handler.ts";
import { pipelineDeps, readCommands } from "@mp4t/pipeline/testing";
import { buildConversation, VOICES, type ReferenceTurn } from "./speech-fixtures.ts";

let nats: NatsServer;
let dir: string;
beforeAll(async () => {
  nats = await startNats();
  dir = await mkdtemp(join(tmpdir(), "mp4t-diarizer-int-"));
});
afterAll(async () => {
  await nats?.[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

/** Words spread over each reference turn, tagged with the true speaker for scoring. */
function wordsFor(reference: ReferenceTurn[]): (Word & { truth: number })[] {
  return reference.flatMap((t) => {
    const n = Math.max(1, Math.floor((t.end - t.start) / 0.4));
    const step = (t.end - t.start) / n;
    return Array.from({ length: n }, (_, i) => ({ word: `w${i}`, start: t.start + i * step, end: t.start + (i + 0.8) * step, truth: t.speaker }));
  });
}

/** Two chunk results split at `cut`, the second repeating the first's last word as engines do at a seam. */
function chunks(words: Word[], cut: number): ChunkResult[] {
  const a = words.filter((w) => w.end <= cut);
  const b = words.filter((w) => w.end > cut);
  return [
    { index: 1, startSec: cut, endSec: b.at(-1)?.end ?? cut, engine: "test", words: [a.at(-1)!, ...b] },
    { index: 0, startSec: 0, endSec: cut, engine: "test", words: a },
  ];
}

async function seed(deps: Awaited<ReturnType<typeof pipelineDeps>>, over: Partial<Job>, words: Word[], wav?: Uint8Array) {
  const job = sampleJob("alice", {
    status: "processing",
    progress: 0.8,
    chunks: { count: 2, done: [0, 1] },
    stages: { ingest: { status: "done" }, transcribe: { status: "done" } },
    ...over,
  });
  await deps.jobs.createJob(job);
  const cut = words[Math.floor(words.length / 2)]!.end;
  for (const c of chunks(words, cut)) await putJson(deps.blobs, BlobKeys.chunkResult(job.id, c.index), c);
  if (wav) await deps.blobs.put(BlobKeys.audio(job.id), wav);
  return { job, ref: { userId: job.userId, jobId: job.id } };
}

describe("diarize handler (real nats-server)", () => {
  it("labels two speakers, stores the diarized transcript, marks the stage and hands on to enhance", async () => {
    const deps = await pipelineDeps(nats, "diarizer");
    try {
      const turns = [0, 1, 2, 3].flatMap((i) => [
        { speaker: 0, source: VOICES.reader(i) },
        { speaker: 1, source: VOICES.woman(i) },
      ]);
      const { audio, reference } = await buildConversation(dir, turns);
      const truth = wordsFor(reference);
      const { job, ref } = await seed(
        deps,
        {},
        truth.map(({ truth: _, ...w }) => w),
        encodeWav(audio),
      );

      await diarizeHandler(deps)({ v: 1, ...ref });

      const stored = await getJson(deps.blobs, BlobKeys.diarized(job.id), Transcript);
      expect(stored).not.toBeNull();
      expect(stored!.speakers).toEqual(["Speaker 1", "Speaker 2"]);
      const words = stored!.segments.flatMap((s) => s.words);
      expect(words).toHaveLength(truth.length);
      const agree = words.filter((w, i) => (w.speaker === "Speaker 1") === (truth[i]!.truth === 0)).length;
      expect(agree / words.length).toBeGreaterThan(0.9);
      for (const s of stored!.segments) expect(s.words.every((w) => w.speaker === s.speaker)).toBe(true);
      expect(stored!.enhancements).toEqual({});

      const after = await deps.jobs.getJob(ref);
      expect(after).toMatchObject({ status: "processing", progress: 0.9, stages: { assemble: { status: "done" }, diarize: { status: "done" } } });
      expect(await readCommands(deps, "enhance", "interactive")).toEqual([{ msg: { v: 1, ...ref }, msgId: `enhance:${job.id}` }]);

      // Redelivery: nothing is duplicated, the stored result is unchanged.
      await diarizeHandler(deps)({ v: 1, ...ref });
      expect(await getJson(deps.blobs, BlobKeys.diarized(job.id), Transcript)).toEqual(stored);
      expect((await readCommands(deps, "enhance", "interactive")).filter((c) => c.msg.jobId === job.id)).toHaveLength(1);
    } finally {
      await deps.close();
    }
  });

  it("honours the job's speaker options: an exact count, and a range", async () => {
    const deps = await pipelineDeps(nats, "diarizer");
    try {
      const turns = [0, 1, 2, 3].flatMap((i) => [
        { speaker: 0, source: VOICES.reader(i) },
        { speaker: 1, source: VOICES.woman(i) },
      ]);
      const { audio, reference } = await buildConversation(dir, turns);
      const words = wordsFor(reference).map(({ truth: _, ...w }) => w);
      for (const [options, expected] of [
        [{ speakers: 1 }, ["Speaker 1"]],
        [{ minSpeakers: 3, maxSpeakers: 4 }, ["Speaker 1", "Speaker 2", "Speaker 3"]],
      ] as const) {
        const { job, ref } = await seed(
          deps,
          { options: { language: "en", diarize: true, enhance: [], class: "interactive", ...options } },
          words,
          encodeWav(audio),
        );
        await diarizeHandler(deps)({ v: 1, ...ref });
        const stored = await getJson(deps.blobs, BlobKeys.diarized(job.id), Transcript);
        expect(stored!.speakers).toEqual(expected);
      }
    } finally {
      await deps.close();
    }
  });

  it("skips speaker labelling when the job does not ask for it, and publishes on the job's class", async () => {
    const deps = await pipelineDeps(nats, "diarizer");
    try {
      const words = "The committee met on Tuesday to review the budget for the coming year."
        .split(" ")
        .map((word, i) => ({ word: word.toLowerCase(), start: i * 0.4, end: i * 0.4 + 0.3 }));
      const { job, ref } = await seed(deps, { options: { language: "en", diarize: false, enhance: [], class: "batch" } }, words);

      await diarizeHandler(deps)({ v: 1, ...ref });

      const stored = await getJson(deps.blobs, BlobKeys.diarized(job.id), Transcript);
      expect(stored!.speakers).toEqual([]);
      expect(stored!.text).toBe("The committee met on tuesday to review the budget for the coming year.");
      expect(stored!.durationSec).toBeCloseTo(words.at(-1)!.end);
      expect((await readCommands(deps, "enhance", "batch")).map((c) => c.msg.jobId)).toContain(job.id);
      // Stitched, not diarized: the job shows the one done and the other skipped.
      expect((await deps.jobs.getJob(ref))?.stages).toMatchObject({ assemble: { status: "done" }, diarize: { status: "skipped" } });
    } finally {
      await deps.close();
    }
  });

  it("fails a job asking for more speakers than this replica's limit with OPTION_UNSUPPORTED (no dead letter)", async () => {
    const deps = await pipelineDeps(nats, "diarizer");
    try {
      const words = [
        { word: "hi", start: 0, end: 0.3 },
        { word: "there", start: 0.4, end: 0.7 },
      ];
      const { job, ref } = await seed(deps, { options: { language: "en", diarize: true, speakers: 5, enhance: [], class: "interactive" } }, words);
      await diarizeHandler(deps, { speakersLimit: 4 })({ v: 1, ...ref });
      expect(await deps.jobs.getJob(ref)).toMatchObject({
        status: "failed",
        error: { code: "OPTION_UNSUPPORTED", message: "speakers 5 is more than this deployment tells apart (at most 4 speakers)" },
      });
      expect(await deps.blobs.stat(BlobKeys.diarized(job.id))).toBeNull();
      expect((await readCommands(deps, "cleanup", "batch")).filter((c) => c.msg.jobId === job.id).map((c) => c.msg.reason)).toEqual(["failed"]);
    } finally {
      await deps.close();
    }
  });

  it("does nothing for a canceled job", async () => {
    const deps = await pipelineDeps(nats, "diarizer");
    try {
      const { job, ref } = await seed(deps, { status: "canceled" }, [
        { word: "hi", start: 0, end: 0.3 },
        { word: "there", start: 0.4, end: 0.7 },
      ]);
      await diarizeHandler(deps)({ v: 1, ...ref });
      expect(await deps.blobs.stat(BlobKeys.diarized(job.id))).toBeNull();
      expect((await readCommands(deps, "enhance", "interactive")).filter((c) => c.msg.jobId === job.id)).toEqual([]);
    } finally {
      await deps.close();
    }
  });
});
