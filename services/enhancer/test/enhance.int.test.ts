import { BlobKeys, Transcript, type Job } from "@mp4t/contracts";
import { getJson } from "@mp4t/stores";
import { startNats, type NatsServer } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enhanceHandler } from "../src/handlers/enhance.handler.ts";
import { seedDiarizedJob } from "./enhancer-fixtures.ts";
import { pipelineDeps, readCommands } from "@mp4t/pipeline/testing";

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
      const { job, ref } = await seed(deps, { options: { language: "en", diarize: true, enhance: ["clean", "summary", "notes", "translate:de"], class: "interactive" } });

      const warnings: unknown[] = [];
      const logger = Object.assign(Object.create(deps.logger), { warn: (obj: unknown) => void warnings.push(obj) });
      await enhanceHandler({ ...deps, logger })({ v: 1, ...ref });

      expect(warnings).toEqual([{ jobId: job.id, option: "translate:de" }]);
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
      expect(await readCommands(deps, "cleanup", "batch")).toEqual([{ msg: { v: 1, ...ref, reason: "completed" }, msgId: `cleanup:${job.id}:completed` }]);

      // Redelivery of a completed job: nothing changes, nothing more is published.
      await enhanceHandler(deps)({ v: 1, ...ref });
      expect(await deps.jobs.getJob(ref)).toEqual(after);
      expect(await getJson(deps.blobs, BlobKeys.transcript(job.id), Transcript)).toEqual(t);
      expect((await readCommands(deps, "cleanup", "batch")).filter((c) => c.msg.jobId === job.id)).toHaveLength(1);
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
