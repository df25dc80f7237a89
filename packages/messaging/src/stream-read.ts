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
