import type { Job, PipelineStage } from "@mp4t/contracts";
import type { Publisher } from "@mp4t/messaging";
import { silentLogger } from "@mp4t/testing";
import { describe, expect, it } from "vitest";
import { currentStage, reapStalled, type ReaperDeps } from "./reaper.ts";

const NOW = Date.parse("2030-01-01T12:00:00.000Z");
const ago = (sec: number) => new Date(NOW - sec * 1000).toISOString();
let n = 0;

function job(over: Partial<Job> = {}): Job {
  const id = `01j${String(++n).padStart(23, "0")}`;
  return {
    id,
    userId: "u1",
    status: "processing",
    progress: 0.5,
    fileName: "a.mp4",
    sizeBytes: 10,
    options: { language: "en", diarize: true, enhance: [], class: "batch" },
    stages: { ingest: { status: "done" }, transcribe: { status: "done" }, diarize: { status: "running" } },
    createdAt: ago(900),
    updatedAt: ago(600),
    ...over,
  };
}

/** Strict fakes: a store over an array, a publisher that only takes commands, a lifecycle that only fails. */
function fakes(jobs: Job[], messages: Partial<Record<PipelineStage, number>> = {}) {
  const commands: string[] = [];
  const failures: string[] = [];
  const deps: ReaperDeps = {
    jobs: {
      async *scanJobs() {
        yield* jobs.map((j) => structuredClone(j));
      },
      async updateJob(ref, mutate) {
        const i = jobs.findIndex((j) => j.id === ref.jobId);
        if (i < 0) return null;
        const next = mutate(structuredClone(jobs[i]!));
        if (next) jobs[i] = { ...next, updatedAt: new Date(NOW).toISOString() };
        return jobs[i]!;
      },
    },
    publisher: {
      async command(stage, cls, msg, msgId) {
        commands.push(`${stage}/${cls}/${msg.jobId}/${msgId}`);
      },
      event: () => Promise.reject(new Error("unexpected event")),
    } as Publisher,
    lifecycle: {
      async fail(ref, code, _message, stage) {
        failures.push(`${ref.jobId}/${code}/${stage}`);
        const j = jobs.find((x) => x.id === ref.jobId)!;
        j.status = "failed";
        return j;
      },
    },
    stageMessages: async (stage) => messages[stage] ?? 0,
    logger: silentLogger(),
  };
  return { deps, commands, failures };
}

const settings = { staleMs: 300_000, maxRedrives: 2 };

describe("currentStage", () => {
  it("is the first stage neither done nor skipped, or enhance once all are done", () => {
    expect(currentStage(job({ stages: {} }))).toBe("ingest");
    expect(currentStage(job({ stages: { ingest: { status: "done" }, transcribe: { status: "running" } } }))).toBe("transcribe");
    expect(currentStage(job({ stages: { ingest: { status: "done" }, transcribe: { status: "done" }, diarize: { status: "skipped" } } }))).toBe("enhance");
    const all = Object.fromEntries(["ingest", "transcribe", "diarize", "enhance"].map((s) => [s, { status: "done" as const }]));
    expect(currentStage(job({ stages: all }))).toBe("enhance");
  });
});

describe("reapStalled", () => {
  it("re-drives a stalled stage whose message is gone, counting the attempt on the job", async () => {
    const jobs = [job(), job({ updatedAt: ago(10) }), job({ status: "completed" }), job({ status: "failed" })];
    const { deps, commands, failures } = fakes(jobs);
    const r = await reapStalled(deps, settings, NOW);
    expect(r).toEqual({ stalled: 1, redriven: 1, failed: 0, waiting: 0 });
    expect(commands).toEqual([`diarize/batch/${jobs[0]!.id}/reap:${jobs[0]!.id}:diarize:1`]);
    expect(jobs[0]!.reaped).toBe(1);
    expect(failures).toEqual([]);
  });

  it("resumes a stalled transcribe stage by re-sending its missing chunks from the persisted plan", async () => {
    const plan: [number, number][] = [
      [0, 10],
      [10, 20],
      [20, 30],
      [30, 40],
      [40, 50],
    ];
    const transcribing = { ingest: { status: "done" as const }, transcribe: { status: "running" as const } };
    const jobs = [
      job({ stages: transcribing, chunks: { count: 5, done: [0, 2], plan } }),
      job({ stages: transcribing, chunks: { count: 5, done: [0], window: 2, plan } }),
    ];
    const { deps, commands } = fakes(jobs);
    expect(await reapStalled(deps, settings, NOW)).toMatchObject({ redriven: 2 });
    const [a, b] = jobs.map((j) => j.id);
    expect(commands).toEqual([
      ...[1, 3, 4].map((i) => `transcribe/batch/${a}/reap:${a}:transcribe:1:${i}`),
      ...[1, 2].map((i) => `transcribe/batch/${b}/reap:${b}:transcribe:1:${i}`), // a window's worth; the rest follow
    ]);
  });

  it("resumes through ingest only a job without a plan (older records), and a queued job at ingest", async () => {
    const jobs = [job({ stages: { ingest: { status: "done" }, transcribe: { status: "running" } } }), job({ status: "queued", stages: {} })];
    const { deps, commands } = fakes(jobs);
    await reapStalled(deps, settings, NOW);
    expect(commands).toEqual([`ingest/batch/${jobs[0]!.id}/reap:${jobs[0]!.id}:transcribe:1`, `ingest/batch/${jobs[1]!.id}/reap:${jobs[1]!.id}:ingest:1`]);
  });

  it("leaves a stalled job alone while its stage still has messages (it may be waiting in line)", async () => {
    const jobs = [job(), job({ stages: { ingest: { status: "done" } } })];
    const { deps, commands } = fakes(jobs, { diarize: 3, ingest: 1 });
    expect(await reapStalled(deps, settings, NOW)).toEqual({ stalled: 2, redriven: 0, failed: 0, waiting: 2 });
    expect(commands).toEqual([]);
    expect(jobs[0]!.reaped).toBeUndefined();
  });

  it("fails a job with STAGE_TIMEOUT once its re-drives are used up, and queues its cleanup", async () => {
    const jobs = [job({ reaped: 2 })];
    const { deps, commands, failures } = fakes(jobs);
    expect(await reapStalled(deps, settings, NOW)).toMatchObject({ redriven: 0, failed: 1 });
    expect(failures).toEqual([`${jobs[0]!.id}/STAGE_TIMEOUT/assemble`]); // the step the wire stage diarize shows
    expect(commands).toEqual([`cleanup/batch/${jobs[0]!.id}/cleanup:${jobs[0]!.id}:failed`]);
  });

  it("does not re-drive when the job changed since the scan (progress, or another janitor claimed it)", async () => {
    const jobs = [job()];
    const { deps, commands } = fakes(jobs);
    const scan = deps.jobs.scanJobs;
    deps.jobs.scanJobs = async function* () {
      for await (const j of scan()) {
        jobs[0] = { ...jobs[0]!, reaped: 1, updatedAt: ago(1) }; // someone else wrote meanwhile
        yield j;
      }
    };
    expect(await reapStalled(deps, settings, NOW)).toMatchObject({ stalled: 1, redriven: 0 });
    expect(commands).toEqual([]);
  });
});
