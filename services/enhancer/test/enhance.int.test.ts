import { BlobKeys, Transcript, type Job } from "@mp4t/contracts";
import { getJson, putJson } from "@mp4t/stores";
import { startNats, type NatsServer } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enhanceHandler } from "../src/handlers/enhance.handler.ts";
import { seedDiarizedJob } from "./enhancer-fixtures.ts";
import { pipelineDeps, readCommands, readJobEvents } from "@mp4t/pipeline/testing";

let nats: NatsServer;
beforeAll(async () => {
  nats = await startNats();
});
afterAll(async () => {
  await nats?.[Symbol.asyncDispose]();
});

const seed = (deps: Awaited<ReturnType<typeof pipelineDeps>>, over: Partial<Job> = {}) => seedDiarizedJob(deps, "bob", over);

describe("enhance handler (real nats-server)", () => {
  it("writes the final transcript with enhancements, completes the job and queues cleanup", async () => {
    const deps = await pipelineDeps(nats, "enhancer");
    try {
      const { job, ref } = await seed(deps, { options: { language: "en", diarize: true, enhance: ["clean", "summary", "notes"], class: "interactive" } });
      await enhanceHandler(deps)({ v: 1, ...ref });

      const t = await getJson(deps.blobs, BlobKeys.transcript(job.id), Transcript);
      expect(t).not.toBeNull();
      expect(t!.speakers).toEqual(["Speaker 1", "Speaker 2"]);
      expect(t!.paragraphs!.map((p) => p.speaker)).toEqual(["Speaker 1", "Speaker 2", "Speaker 1"]);
      expect(t!.text.split("\n\n")[0]).toBe("Um so today we look at the the water cycle. Water evaporates from the sea and forms clouds.");
      expect(t!.enhancements.clean!.split("\n\n")[0]).toBe("Speaker 1: So today we look at the water cycle. Water evaporates from the sea and forms clouds.");
      expect(t!.enhancements.summary).toMatch(/water/i);
      expect(t!.enhancements.notes).toMatch(/^### Key terms/);
      expect(t!.enhancements.translations).toBeUndefined();

      const after = await deps.jobs.getJob(ref);
      expect(after).toMatchObject({ status: "completed", progress: 1, stages: { enhance: { status: "done" } } });
      expect(after!.completedAt).toBeDefined();
      expect(after).toMatchObject({ noSpeech: false });
      expect(after!.notices).toBeUndefined();
      expect(t!.noSpeech).toBe(false);
      expect(await readCommands(deps, "cleanup", "batch")).toEqual([{ msg: { v: 1, ...ref, reason: "completed" }, msgId: `cleanup:${job.id}:completed` }]);

      const events = await readJobEvents(deps.nc, job.id);
      expect(events.filter((e) => e.type === "stage.done" || e.type === "completed").map((e) => [e.type, e.stage])).toEqual([
        ["stage.done", "enhance"],
        ["completed", undefined],
      ]);

      // Redelivery of a completed job: nothing changes, nothing more is published.
      await enhanceHandler(deps)({ v: 1, ...ref });
      expect(await deps.jobs.getJob(ref)).toEqual(after);
      expect(await getJson(deps.blobs, BlobKeys.transcript(job.id), Transcript)).toEqual(t);
      expect((await readCommands(deps, "cleanup", "batch")).filter((c) => c.msg.jobId === job.id)).toHaveLength(1);
      expect(await readJobEvents(deps.nc, job.id)).toEqual(events);
    } finally {
      await deps.close();
    }
  });

  it("a redelivery after the worker died between the completing write and its events sends them, once", async () => {
    const deps = await pipelineDeps(nats, "enhancer");
    try {
      const { job, ref } = await seed(deps);
      // The state such a death leaves: the job completed in the store, no event and no cleanup sent.
      await deps.jobs.updateJob(ref, (j) => ({
        ...j,
        status: "completed",
        progress: 1,
        completedAt: new Date().toISOString(),
        stages: { ...j.stages, enhance: { status: "done" } },
      }));
      const completedOf = async () => (await readJobEvents(deps.nc, job.id)).filter((e) => e.type === "stage.done" || e.type === "completed");
      expect(await completedOf()).toEqual([]);

      await enhanceHandler(deps)({ v: 1, ...ref });
      const sent = await completedOf();
      expect(sent.map((e) => [e.type, e.stage, e.status])).toEqual([
        ["stage.done", "enhance", "completed"],
        ["completed", undefined, "completed"],
      ]);
      expect((await readCommands(deps, "cleanup", "batch")).filter((c) => c.msg.jobId === job.id).map((c) => c.msg.reason)).toEqual(["completed"]);

      // Another redelivery: the server drops the repeated events by their message ids.
      await enhanceHandler(deps)({ v: 1, ...ref });
      expect(await completedOf()).toEqual(sent);
    } finally {
      await deps.close();
    }
  });

  it("with no enhancements asked for, stores plain sentences and paragraphs", async () => {
    const deps = await pipelineDeps(nats, "enhancer");
    try {
      const { job, ref } = await seed(deps);
      await enhanceHandler(deps)({ v: 1, ...ref });
      const t = await getJson(deps.blobs, BlobKeys.transcript(job.id), Transcript);
      expect(t!.enhancements).toEqual({});
      expect(t!.text.split("\n\n")).toHaveLength(3);
      expect((await deps.jobs.getJob(ref))!.status).toBe("completed");
    } finally {
      await deps.close();
    }
  });

  it("fails a job asking for a translation the local algorithms cannot make with OPTION_UNSUPPORTED (no throw: no dead letter)", async () => {
    const deps = await pipelineDeps(nats, "enhancer");
    try {
      const { job, ref } = await seed(deps, { options: { language: "en", diarize: true, enhance: ["summary", "translate:de"], class: "interactive" } });
      await enhanceHandler(deps)({ v: 1, ...ref });
      expect(await deps.jobs.getJob(ref)).toMatchObject({
        status: "failed",
        stages: { enhance: { status: "failed" } },
        error: {
          code: "OPTION_UNSUPPORTED",
          message: 'enhancement "translate:de" needs a translation provider, and none is configured here; available: clean, summary, notes',
        },
      });
      expect(await deps.blobs.stat(BlobKeys.transcript(job.id))).toBeNull();
      expect((await readCommands(deps, "cleanup", "batch")).filter((c) => c.msg.jobId === job.id).map((c) => c.msg.reason)).toEqual(["failed"]);
    } finally {
      await deps.close();
    }
  });

  it("completes a job whose recording holds no speech with noSpeech and a NO_SPEECH notice beside the earlier ones", async () => {
    const deps = await pipelineDeps(nats, "enhancer");
    try {
      const notices = [{ code: "SEVERAL_AUDIO_TRACKS" as const, message: "track 0 was transcribed" }];
      const { job, ref } = await seed(deps, { notices, options: { language: "en", diarize: true, enhance: ["summary"], class: "interactive" } });
      await putJson(deps.blobs, BlobKeys.diarized(job.id), { language: "en", durationSec: 3, text: "", speakers: [], segments: [], enhancements: {} });
      await enhanceHandler(deps)({ v: 1, ...ref });
      expect(await deps.jobs.getJob(ref)).toMatchObject({
        status: "completed",
        noSpeech: true,
        notices: [...notices, { code: "NO_SPEECH", message: "No speech was found in the recording; the transcript is empty." }],
      });
      expect(await getJson(deps.blobs, BlobKeys.transcript(job.id), Transcript)).toMatchObject({ noSpeech: true, segments: [], enhancements: {} });
    } finally {
      await deps.close();
    }
  });

  it("leaves a canceled job alone", async () => {
    const deps = await pipelineDeps(nats, "enhancer");
    try {
      const { job, ref } = await seed(deps, { status: "canceled" });
      await enhanceHandler(deps)({ v: 1, ...ref });
      expect(await deps.blobs.stat(BlobKeys.transcript(job.id))).toBeNull();
      expect((await deps.jobs.getJob(ref))!.status).toBe("canceled");
      expect((await readCommands(deps, "cleanup", "batch")).filter((c) => c.msg.jobId === job.id)).toEqual([]);
    } finally {
      await deps.close();
    }
  });
});
