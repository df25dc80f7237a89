import { join } from "node:path";
import { makeLibrivoxMp4 } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./ingest-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe("ingest with a transcribe window", () => {
  it("queues only the first chunk of a job of more chunks than the window (chained) and records the whole plan for the transcriber; a re-drive queues the first chunk not done", async () => {
    const made = await makeLibrivoxMp4(join(h.mediaDir, "librivox.mp4"));
    const ref = await h.newJob(made.path);
    const settings = { chunkMaxSec: 10, chunkSearchSec: 5, chunkMinTailSec: 10, transcribeWindow: 2 };
    await h.ingest(ref, settings);

    const job = (await h.jobs.getJob(ref))!;
    const { count, plan, window } = job.chunks!;
    expect(count).toBeGreaterThanOrEqual(3);
    expect(window).toBe(1); // chained: each chunk queues the next
    expect(plan).toHaveLength(count);
    expect(plan![0]![0]).toBe(0);
    for (let i = 1; i < count; i++) expect(plan![i]![0]).toBe(plan![i - 1]![1]); // end to end
    const commands = (await h.takeTranscribeCommands()).filter((c) => c.jobId === ref.jobId).sort((a, b) => a.chunk.index - b.chunk.index);
    expect(commands.map((c) => [c.chunk.index, c.chunk.startSec, c.chunk.endSec])).toEqual([[0, ...plan![0]!]]);

    // Chunk 0 was transcribed before the job stalled and was re-driven through ingest.
    await h.jobs.updateJob(ref, (j) => ({ ...j, chunks: { ...j.chunks!, done: [0] } }));
    await h.ingest(ref, settings);
    const again = (await h.takeTranscribeCommands())
      .filter((c) => c.jobId === ref.jobId)
      .map((c) => c.chunk.index)
      .sort();
    // Chunk 1 is the first not done.
    expect(again).toEqual([1]);
  });

  it("queues a job of at most `window` chunks whole, with no window recorded", async () => {
    const made = await makeLibrivoxMp4(join(h.mediaDir, "librivox-whole.mp4"));
    const ref = await h.newJob(made.path);
    await h.ingest(ref, { chunkMaxSec: 10, chunkSearchSec: 5, chunkMinTailSec: 10, transcribeWindow: 100 });
    const job = (await h.jobs.getJob(ref))!;
    expect(job.chunks!.window).toBeUndefined();
    const commands = (await h.takeTranscribeCommands()).filter((c) => c.jobId === ref.jobId);
    expect(commands.map((c) => c.chunk.index).sort()).toEqual(Array.from({ length: job.chunks!.count }, (_, i) => i));
  });
});
