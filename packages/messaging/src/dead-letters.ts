import { COMMANDS, DeadLetter, MessageIds, STAGE_LANES, STAGES, Streams, Subjects, type Stage } from "@mp4t/contracts";
import type { JetStreamClient, JetStreamManager, StoredMsg } from "@nats-io/jetstream";
import { AppError } from "@mp4t/contracts";
import { nextBySubject } from "./stream-read.ts";

/** One dead letter as the stream holds it: its sequence there (its id), when, and the letter. */
export type DeadLetterEntry = { seq: number; time: string; letter: DeadLetter };
export type DeadLetterPage = { items: DeadLetterEntry[]; next: number | null };
export type DeadLetterQuery = { stage?: Stage; cursor?: number; limit: number };

/** The job a dead letter belongs to, when its data is a valid command of its stage. */
export type DeadLetterJob = { stage: Stage; jobId: string; userId: string };

export type DeadLetters = {
  /** Oldest first; `cursor` is `next` from the previous page (a stream sequence). */
  list(query: DeadLetterQuery): Promise<DeadLetterPage>;
  get(seq: number): Promise<DeadLetterEntry | null>;
  /** Puts the original message back on its work subject and removes the letter. False: no such letter. */
  redrive(seq: number): Promise<boolean>;
  /** Re-drives every letter of one stage present when called; resolves to how many. */
  redriveAll(stage: Stage): Promise<number>;
};

const isStage = (s: string): s is Stage => (STAGES as string[]).includes(s);

/** The stage command inside a letter, or null for a poison message (which a re-drive cannot fix). */
export function deadLetterJob(letter: DeadLetter): DeadLetterJob | null {
  if (!isStage(letter.stage)) return null;
  let data: unknown;
  try {
    data = JSON.parse(letter.data);
  } catch {
    return null;
  }
  const parsed = COMMANDS[letter.stage].safeParse(data);
  return parsed.success ? { stage: letter.stage, jobId: parsed.data.jobId, userId: parsed.data.userId } : null;
}

/** A letter may only go back to a work subject of its own stage. */
const workSubjectOf = (letter: DeadLetter, stage: Stage) =>
  letter.subject.startsWith(`mp4t.v1.work.${STAGE_LANES[stage]}.${stage}.`) && [6, 7].includes(letter.subject.split(".").length); // 7: with a fairness bucket

/**
 * Dead letters, operable: list, inspect, re-drive. A re-drive republishes the original `data` to
 * its original subject with a fresh Nats-Msg-Id (`redrive:<seq>`: a repeated re-drive of the same
 * letter inside the dedup window is dropped by the server), then deletes the letter. `beforeRedrive`
 * runs first, so the job is ready (reopened) before any worker can see the message; if the publish
 * fails the letter stays.
 */
export function createDeadLetters(deps: {
  js: JetStreamClient;
  jsm: JetStreamManager;
  beforeRedrive?: (job: DeadLetterJob, entry: DeadLetterEntry) => Promise<void>;
}): DeadLetters {
  const { js, jsm } = deps;
  const stream = Streams.deadLetters;

  const toEntry = (m: StoredMsg): DeadLetterEntry => {
    const parsed = DeadLetter.safeParse(m.json());
    if (!parsed.success) throw new AppError("INTERNAL", `dead letter ${m.seq} does not match the contract`);
    return { seq: m.seq, time: m.time.toISOString(), letter: parsed.data };
  };

  /** The first letter at or after `seq` on `subject`, or null. */
  const nextFrom = async (seq: number, subject: string) => {
    const m = await nextBySubject(jsm, stream, subject, seq);
    return m ? toEntry(m) : null;
  };

  const get = async (seq: number) => {
    if (!Number.isSafeInteger(seq) || seq < 1) return null;
    const m = await jsm.streams.getMessage(stream, { seq });
    return m ? toEntry(m) : null;
  };

  async function redriveEntry(entry: DeadLetterEntry): Promise<void> {
    const job = deadLetterJob(entry.letter);
    if (!job || !workSubjectOf(entry.letter, job.stage)) {
      throw new AppError(
        "DEAD_LETTER_UNREDRIVABLE",
        `dead letter ${entry.seq} holds no valid ${entry.letter.stage} command (${entry.letter.error.code}); inspect it and delete it instead`,
      );
    }
    await deps.beforeRedrive?.(job, entry);
    await js.publish(entry.letter.subject, entry.letter.data, { msgID: MessageIds.redrive(entry.seq) });
    await jsm.streams.deleteMessage(stream, entry.seq, false).catch((err: unknown) => {
      // Already gone (a concurrent re-drive): the publish above was deduplicated or is the one that counts.
      if (!/no message found/i.test(String((err as Error).message))) throw err;
    });
  }

  return {
    async list({ stage, cursor, limit }) {
      const subject = stage ? Subjects.deadLetter(stage) : Subjects.deadLetters;
      const items: DeadLetterEntry[] = [];
      let seq = Math.max(1, cursor ?? 1);
      // One more than asked for tells whether there is a next page.
      while (items.length <= limit) {
        const e = await nextFrom(seq, subject);
        if (!e) break;
        items.push(e);
        seq = e.seq + 1;
      }
      const next = items.length > limit ? items.pop()!.seq : null;
      return { items, next };
    },
    get,
    async redrive(seq) {
      const entry = await get(seq);
      if (!entry) return false;
      await redriveEntry(entry);
      return true;
    },
    async redriveAll(stage) {
      // Only letters present now: one that fails again comes back with a higher sequence.
      const last = (await jsm.streams.info(stream)).state.last_seq;
      let n = 0;
      for (let seq = 1; seq <= last; ) {
        const e = await nextFrom(seq, Subjects.deadLetter(stage));
        if (!e || e.seq > last) break;
        seq = e.seq + 1;
        if (!deadLetterJob(e.letter)) continue; // poison: stays for an operator to inspect
        await redriveEntry(e);
        n++;
      }
      return n;
    },
  };
}
