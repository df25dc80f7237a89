import { BlobKeys, type Job, type Transcript } from "@mp4t/contracts";
import { putJson } from "@mp4t/stores";
import type { PipelineDeps } from "@mp4t/pipeline";
import { sampleJob } from "@mp4t/stores/conformance";
import { assembleTranscript, buildSegments } from "@mp4t/transcript";

const turn = (text: string, start: number, speaker: string) =>
  text.split(" ").map((word, i) => ({ word, start: start + i * 0.35, end: start + i * 0.35 + 0.3, speaker }));

/** What the diarizer stores: segments with speakers, no paragraphs, no enhancements; three paragraphs, two speakers. */
export function diarized(): Transcript {
  const words = [
    ...turn("um so today we look at the the water cycle", 0, "Speaker 1"),
    ...turn("water evaporates from the sea and forms clouds", 4.5, "Speaker 1"),
    ...turn("uh and then it rains", 9, "Speaker 2"),
    ...turn("yes rain returns the water to rivers and the sea", 12, "Speaker 1"),
  ];
  const segments = buildSegments(words);
  const { paragraphs: _, ...t } = assembleTranscript({ language: "en", durationSec: 16, segments });
  return { ...t, text: segments.map((s) => s.text).join(" ") };
}

/** A job the diarizer has just finished, with its diarized transcript stored. */
export async function seedDiarizedJob(deps: Pick<PipelineDeps, "jobs" | "blobs">, userId: string, over: Partial<Job> = {}) {
  const job = sampleJob(userId, {
    status: "processing",
    progress: 0.9,
    stages: { ingest: { status: "done" }, transcribe: { status: "done" }, diarize: { status: "done" } },
    ...over,
  });
  await deps.jobs.createJob(job);
  await putJson(deps.blobs, BlobKeys.diarized(job.id), diarized());
  return { job, ref: { userId: job.userId, jobId: job.id } };
}
