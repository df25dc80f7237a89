import { JOB_CLASSES, type JobClass } from "@mp4t/contracts";
import type { JetStreamManager, StoredMsg } from "@nats-io/jetstream";

/**
 * The first message on `subject` at or after `seq` (STREAM.MSG.GET with `next_by_subj`), or null.
 * The server takes `next_by_subj` with `seq`; the client's type lists it only for direct gets.
 */
export function nextBySubject(jsm: JetStreamManager, stream: string, subject: string, seq: number): Promise<StoredMsg | null> {
  return jsm.streams.getMessage(stream, { seq, next_by_subj: subject } as unknown as { seq: number });
}

/**
 * One batched direct get: up to `batch` messages on `subject` from `from` on, by the server's
 * direct get (no consumer). The server answers a batch that finds nothing with "message not
 * found", which nats.js raises while iterating (the messages may have been acked off a work
 * queue since the caller listed them): that is an empty batch, or the end of a shorter one.
 */
export async function directBatch(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
  from: { seq: number } | { start_time: Date },
  batch: number,
): Promise<StoredMsg[]> {
  const out: StoredMsg[] = [];
  try {
    for await (const m of await jsm.direct.getBatch(stream, { ...from, next_by_subj: subject, batch })) out.push(m);
  } catch (err) {
    if (!/message not found|no message found|no results/i.test(String((err as Error)?.message))) throw err;
  }
  return out;
}

/**
 * Class and fairness bucket of a work subject: `mp4t.v1.work.<lane>.<stage>[.b<bucket>].<class>`.
 * The class is always the last token; a subject without a bucket is served by bucket 0.
 */
export function workSubjectCell(subject: string): { cls: JobClass; bucket: number } | null {
  const tokens = subject.split(".");
  const cls = tokens.at(-1) as JobClass;
  if (!JOB_CLASSES.includes(cls)) return null;
  const b = /^b(\d+)$/.exec(tokens.at(-2) ?? "");
  return { cls, bucket: b ? Number(b[1]) : 0 };
}
