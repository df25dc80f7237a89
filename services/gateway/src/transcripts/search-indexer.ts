import type { Job, JobEvent, JobEventType } from "@mp4t/contracts";
import type { Logger } from "@mp4t/runtime";
import { currentVersion, readTranscript, type BlobStore, type IndexedTranscript, type JobStore, type SearchIndex } from "@mp4t/stores";
import type { EventFeed, JobEvents } from "@mp4t/messaging";

export type SearchIndexer = {
  /** Indexes the job's current transcript version; a job that has not completed is left out. */
  index(job: Job): Promise<void>;
  remove(ref: { userId: string; jobId: string }): Promise<void>;
  /**
   * Follows job events (completed, transcript.updated, deleted) from now on, then brings the
   * index up to the job store in the background: whatever completed or changed while no gateway
   * of this index was running. Resolves once following; `reconciled` tells when the catch-up ends.
   */
  start(): Promise<void>;
  reconciled(): Promise<{ indexed: number; removed: number }>;
  stop(): Promise<void>;
};

/** The events that change what the index holds. */
const INDEXED_EVENTS = ["completed", "transcript.updated", "deleted"] as const satisfies readonly JobEventType[];

export const toIndexed = (job: Job, t: { segments: { start: number; end: number; speaker?: string; text: string }[] }): IndexedTranscript => ({
  userId: job.userId,
  jobId: job.id,
  fileName: job.fileName,
  version: currentVersion(job),
  segments: t.segments.map((s, i) => ({ segmentIndex: i, start: s.start, end: s.end, ...(s.speaker ? { speaker: s.speaker } : {}), text: s.text })),
});

/**
 * Keeps a search index in step with the jobs. Every gateway runs one over its own ordered
 * consumer of the events stream (nothing shared, no durable state in NATS), so each embedded
 * per-host index sees every event whichever gateway or worker published it; the MongoDB index is
 * written by every gateway, idempotently (the newest version wins, deleted stays deleted).
 */
export function createSearchIndexer(deps: {
  index: SearchIndex;
  jobs: JobStore;
  blobs: BlobStore;
  events: Pick<JobEvents, "follow">;
  logger: Logger;
}): SearchIndexer {
  const { index, jobs, blobs, logger } = deps;
  let messages: EventFeed | undefined;
  let pump: Promise<void> | undefined;
  let catchUp: Promise<{ indexed: number; removed: number }> = Promise.resolve({ indexed: 0, removed: 0 });
  let stopping = false;

  const indexJob = async (job: Job) => {
    if (job.status !== "completed") return;
    const transcript = await readTranscript(blobs, job);
    if (transcript) await index.upsert(toIndexed(job, transcript));
  };

  const onEvent = async (e: JobEvent) => {
    // The untyped events of earlier releases come unfiltered: the same list decides.
    if (!(INDEXED_EVENTS as readonly string[]).includes(e.type)) return;
    if (e.type === "deleted") return index.remove(e);
    const job = await jobs.getJob(e);
    if (job) await indexJob(job);
  };

  /** Cheap check: only versions are compared; transcripts are read for jobs the index lacks or has older. */
  const reconcile = async () => {
    const known = await index.versions();
    const seen = new Set<string>();
    let indexed = 0;
    for await (const job of jobs.scanJobs()) {
      if (stopping) return { indexed, removed: 0 }; // a shutdown does not wait for a long scan; the next start redoes it
      seen.add(job.id);
      if (job.status === "completed" && (known.get(job.id) ?? 0) < currentVersion(job)) {
        await indexJob(job);
        indexed++;
      }
    }
    let removed = 0;
    // Indexed before the scan began but no longer in the store: purged while we were away.
    for (const [jobId, version] of known) {
      if (Number.isFinite(version) && !seen.has(jobId)) {
        await index.remove({ userId: "", jobId });
        removed++;
      }
    }
    if (indexed || removed) logger.info({ indexed, removed }, "search index brought up to date with the job store");
    return { indexed, removed };
  };

  return {
    index: indexJob,
    remove: (ref) => index.remove(ref),
    async start() {
      if (messages) return; // started already
      // The types onEvent acts on: the server leaves out a job's progress events.
      messages = await deps.events.follow({ types: INDEXED_EVENTS });
      pump = (async () => {
        for await (const { event } of messages!) {
          await onEvent(event).catch((err: unknown) =>
            logger.warn({ err, jobId: event.jobId, type: event.type }, "search index not updated for this event; the next start catches up"),
          );
        }
      })();
      catchUp = reconcile().catch((err: unknown) => {
        logger.warn({ err }, "search index catch-up failed; it runs again at the next start");
        return { indexed: 0, removed: 0 };
      });
    },
    reconciled: () => catchUp,
    async stop() {
      stopping = true;
      messages?.close();
      await pump?.catch(() => undefined);
      await catchUp;
    },
  };
}
