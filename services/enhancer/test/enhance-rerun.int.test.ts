import { BlobKeys, Streams, Subjects, Transcript } from "@mp4t/contracts";
import { jetstreamManager } from "@nats-io/jetstream";
import { commitVersion, currentVersion, getJson, readTranscript } from "@mp4t/stores";
import { pipelineDeps } from "@mp4t/pipeline/testing";
import { startNats, type NatsServer } from "@mp4t/testing";
import { renameSpeakers } from "@mp4t/transcript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enhanceHandler } from "../src/handlers/enhance.handler.ts";
import type { EnhancementProvider } from "../src/ports.ts";
import { seedDiarizedJob } from "./enhancer-fixtures.ts";

let nats: NatsServer;
beforeAll(async () => {
  nats = await startNats();
});
afterAll(async () => {
  await nats?.[Symbol.asyncDispose]();
});

describe("enhance handler: re-run on a completed job (real nats-server)", () => {
  it("computes the kinds on the current version (names included), saves a new version and leaves version 1 and the job's status alone", async () => {
    const deps = await pipelineDeps(nats, "enhancer");
    try {
      const { job, ref } = await seedDiarizedJob(deps, "carol", { options: { language: "en", diarize: true, enhance: ["notes"], class: "interactive" } });
      await enhanceHandler(deps)({ v: 1, ...ref });
      const v1 = await getJson(deps.blobs, BlobKeys.transcript(job.id), Transcript);
      const completed = (await deps.jobs.getJob(ref))!;
      const named = await commitVersion(deps, ref, { baseVersion: 1, kind: "speakers", transcript: renameSpeakers(v1!, { "Speaker 1": "Professor Wu" }) });
      expect(named.version).toBe(2);

      await enhanceHandler(deps)({ v: 1, ...ref, rerun: { kinds: ["clean", "summary"] } });

      const after = (await deps.jobs.getJob(ref))!;
      expect(after.status).toBe("completed");
      expect(after.completedAt).toBe(completed.completedAt);
      expect(currentVersion(after)).toBe(3);
      expect(after.transcript!.versions.map((v) => v.kind)).toEqual(["engine", "speakers", "enhance"]);
      const v3 = (await readTranscript(deps.blobs, after))!;
      expect(v3.enhancements.clean).toContain("Professor Wu: So today we look at the water cycle.");
      expect(v3.enhancements.summary).toMatch(/water/i);
      expect(v3.enhancements.notes).toBe(v1!.enhancements.notes); // not re-run: kept
      expect(await getJson(deps.blobs, BlobKeys.transcript(job.id), Transcript)).toEqual(v1); // version 1 untouched
      const events = await (await jetstreamManager(deps.nc)).streams.getMessage(Streams.events, { last_by_subj: Subjects.jobEvents(job.id) });
      expect(events!.json()).toMatchObject({ type: "transcript.updated", version: 3, status: "completed" });
    } finally {
      await deps.close();
    }
  });

  it("computes again on the newer version when an edit lands while the provider works", async () => {
    const deps = await pipelineDeps(nats, "enhancer");
    try {
      const { job, ref } = await seedDiarizedJob(deps, "carol");
      await enhanceHandler(deps)({ v: 1, ...ref });
      let calls = 0;
      const provider: EnhancementProvider = {
        name: "racy",
        async enhance(req) {
          if (calls++ === 0) {
            // Someone renames a speaker while the first computation runs.
            const j = (await deps.jobs.getJob(ref))!;
            const t = (await readTranscript(deps.blobs, j))!;
            await commitVersion(deps, ref, { baseVersion: currentVersion(j), kind: "speakers", transcript: renameSpeakers(t, { "Speaker 2": "Student" }) });
          }
          return { enhancements: { summary: `summary for ${req.speakers.join(" & ")}` }, unsupported: [] };
        },
      };
      await enhanceHandler({ ...deps, provider })({ v: 1, ...ref, rerun: { kinds: ["summary"] } });
      expect(calls).toBe(2);
      const after = (await deps.jobs.getJob(ref))!;
      expect(after.transcript!.versions.map((v) => v.kind)).toEqual(["engine", "speakers", "enhance"]);
      expect((await readTranscript(deps.blobs, after))!.enhancements.summary).toBe("summary for Speaker 1 & Student");
      // The loser's blob was removed: only versions 1-3 are stored.
      expect((await deps.blobs.list(BlobKeys.prefix(job.id))).filter((b) => b.key.includes("transcript")).length).toBe(3);
    } finally {
      await deps.close();
    }
  });
});
