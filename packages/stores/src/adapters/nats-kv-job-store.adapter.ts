import { createHash } from "node:crypto";
import { Job, User } from "@mp4t/contracts";
import { AppError } from "@mp4t/contracts";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { JobPage, JobRef, JobStore, ListJobsQuery } from "../ports.ts";
import { createBucket, ensureBucketStream } from "./bucket-stream.ts";
import { latestEntries, type LatestEntry } from "./kv-latest.ts";

const MAX_CAS_ATTEMPTS = 50;
/** Job records remembered per process and bucket for the next compare-and-set (see `recent`). */
const RECENT_JOBS = 1024;
const enc = (v: unknown) => JSON.stringify(v);
const emailKey = (email: string) => `email.${createHash("sha256").update(email.trim().toLowerCase()).digest("hex")}`;
const jobKey = (ref: JobRef) => `${ref.userId}.${ref.jobId}`;
/** A job record as this process last read or wrote it: its validated JSON and its revision. */
type Remembered = { json: string; revision: number };
/** `recent` of every store of this process, by the bucket's stream (its name and creation time): shared by the services one process runs. */
const rememberedByBucket = new Map<string, { recent: Map<string, Remembered>; writing: Map<string, Promise<unknown>> }>();
/** Bucket streams remembered per process (see `rememberedByBucket`). */
const REMEMBERED_STREAMS = 8;
const ignore = () => undefined;

/** Job store on NATS KV: the embedded default, nothing to run but nats-server. */
export async function createNatsKvJobStore(nc: NatsConnection, opts: { prefix?: string; replicas?: number; users?: boolean } = {}): Promise<JobStore> {
  const kvm = new Kvm(nc);
  const prefix = opts.prefix ?? "mp4t";
  const jobs: KV = await createBucket(() => kvm.create(`${prefix}-jobs`, { history: 1, replicas: opts.replicas ?? 1 }));
  const jobsCreated = await ensureBucketStream(nc, `KV_${prefix}-jobs`, opts.replicas);
  // `users: false` (workers): never opened, as their NATS users may not touch it; only the gateway reads users.
  let usersKv: KV | undefined;
  if (opts.users !== false) {
    usersKv = await createBucket(() => kvm.create(`${prefix}-users`, { history: 1, replicas: opts.replicas ?? 1 }));
    await ensureBucketStream(nc, `KV_${prefix}-users`, opts.replicas);
  }
  const users = async () => {
    if (!usersKv) throw new AppError("INTERNAL", "this job store was opened without the users bucket");
    return usersKv;
  };
  const jsm = await jetstreamManager(nc);
  const jobsStream = `KV_${prefix}-jobs`;
  const jobSubject = (key: string) => `$KV.${prefix}-jobs.${key}`;

  /** A user's jobs by id (newest first), read without a consumer. */
  const userJobs = async (userId: string): Promise<{ id: string; read: () => Promise<Job | null> }[]> => {
    const entries = await latestEntries(jsm, jobsStream, jobSubject(`${userId}.*`));
    const cut = jobSubject(`${userId}.`).length;
    return [...entries]
      .map(([subject, e]) => ({ id: subject.slice(cut), read: async () => listed(`${userId}.${subject.slice(cut)}`, e) }))
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  };

  /**
   * The last record this process read or wrote per job key, with its revision: `updateJob` tries
   * its compare-and-set from it before reading again. A worker changes a job several times in a
   * row (stage started, chunk done, stage done), and each change used to read the record first.
   * The revision makes a stale entry harmless: the write is refused and the record re-read. Only
   * a change that writes is decided on it; a mutation that leaves the job as it is (or throws) on
   * the remembered record is re-run on a fresh read, so no caller acts on old state. Kept as the
   * validated record's JSON (the text a write sends anyway): each use parses a copy of its own,
   * which costs less than the two deep copies a write made of a remembered object.
   *
   * One per bucket for the whole process, not one per store: the split layout's worker process
   * runs five services, each with its own store (and NATS connection), and each stage's first
   * write of a job read the record the stage before had just written in the same process (three
   * reads a job: the transcriber's first chunk, the diarizer, the enhancer). Sharing it is as safe
   * as one store's own: every write it decides is a compare-and-set on the remembered revision,
   * and a revision names one record only within one stream (the key is the stream's name and
   * creation time, so two servers in one process, as in tests, share nothing).
   */
  const streamId = `${jobsStream} ${jobsCreated}`; // another server's bucket of that name is another stream
  const shared = rememberedByBucket.get(streamId) ?? { recent: new Map<string, Remembered>(), writing: new Map<string, Promise<unknown>>() };
  rememberedByBucket.set(streamId, shared);
  // A process uses one bucket; a test process starts many servers: the oldest streams are forgotten.
  if (rememberedByBucket.size > REMEMBERED_STREAMS) rememberedByBucket.delete(rememberedByBucket.keys().next().value!);
  const { recent, writing } = shared;
  /**
   * This process's changes of one job, one at a time (shared like `recent`): a change that starts
   * while another is being written waits for it, then writes on the record it wrote. Run together,
   * the transcriber's chunks (two slots, one job) and a stage's start beside the previous stage's
   * end wrote on the same revision, and all but the first were refused and read the record again:
   * two refused writes and two reads a job of four chunks. Changes of other processes still meet
   * the compare-and-set. A mutation never changes a job itself (it would wait for itself).
   */
  const oneAtATime = <T>(key: string, change: () => Promise<T>): Promise<T> => {
    const before = writing.get(key);
    const run = before ? before.then(change, change) : change();
    const done = run.then(ignore, ignore);
    writing.set(key, done);
    void done.then(() => {
      if (writing.get(key) === done) writing.delete(key);
    });
    return run;
  };
  const remember = (key: string, entry: Remembered) => {
    recent.delete(key);
    recent.set(key, entry);
    if (recent.size > RECENT_JOBS) recent.delete(recent.keys().next().value!);
  };
  /** A copy of a remembered record (validated when it was first read or written). */
  const copyOf = (r: Remembered) => JSON.parse(r.json) as Job;

  /** A listed record: the remembered one when it is at that revision (no validation), else parsed. */
  const listed = (key: string, e: LatestEntry): Job => {
    const known = recent.get(key);
    return known?.revision === e.revision ? copyOf(known) : Job.parse(JSON.parse(new TextDecoder().decode(e.data)));
  };

  /**
   * A listed record's fields as stored, not validated (the remembered record's when it is at that
   * revision): a filter passes over the others unvalidated; what it keeps is validated whole.
   * Undefined when the record is not a JSON object.
   */
  const fieldsOf = (key: string, e: LatestEntry): Record<string, unknown> | undefined => {
    const known = recent.get(key);
    const text = known?.revision === e.revision ? known.json : new TextDecoder().decode(e.data);
    try {
      const v = JSON.parse(text) as unknown;
      return v !== null && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined; // not JSON: passed over like any record of another status
    }
  };

  /** The record (a copy of its own, for the caller to change), its JSON and revision; remembered. */
  const readJob = async (key: string): Promise<(Remembered & { job: Job }) | null> => {
    const e = await jobs.get(key);
    if (e?.operation !== "PUT") {
      recent.delete(key);
      return null;
    }
    const known = recent.get(key);
    if (known?.revision === e.revision) return { ...known, job: copyOf(known) };
    const job = Job.parse(e.json());
    const entry = { json: enc(job), revision: e.revision };
    remember(key, entry);
    return { ...entry, job };
  };

  /** `updateJob`'s compare-and-set loop: on the remembered record first (see `recent`), else on a fresh read. */
  const change = async (ref: JobRef, mutate: (job: Job) => Job | undefined): Promise<Job | null> => {
    const key = jobKey(ref);
    let known = recent.get(key); // remembered, not yet confirmed by a write
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      // `mutate` gets a copy; a decision on the remembered record is never returned (see below).
      const fresh = known ? undefined : await readJob(key);
      const current = known ?? fresh;
      if (!current) return null;
      let next: Job | undefined;
      try {
        next = mutate(fresh ? fresh.job : copyOf(current)); // a fresh read's record is its own already
      } catch (err) {
        if (!known) throw err;
      }
      if (!next && known) {
        known = undefined; // decided on the remembered record: decide again on a fresh one
        continue;
      }
      if (!next) return copyOf(current); // as read: `mutate` may have changed its copy before it declined
      known = undefined;
      const parsed = Job.parse({ ...next, updatedAt: new Date().toISOString() });
      const json = enc(parsed);
      try {
        const revision = await jobs.update(key, json, current.revision);
        remember(key, { json, revision });
        return parsed;
      } catch (err) {
        // Wrong last sequence: someone else wrote first. Re-read and re-apply.
        if (!String((err as Error).message).includes("wrong last sequence")) throw err;
      }
    }
    throw new AppError("INTERNAL", `job ${ref.jobId}: too many concurrent updates`);
  };

  return {
    async createUser(user) {
      const parsed = User.parse(user);
      const kv = await users();
      try {
        await kv.create(emailKey(parsed.email), enc(parsed));
      } catch (err) {
        throw new AppError("EMAIL_TAKEN", undefined, { cause: err });
      }
    },
    async getUserByEmail(email) {
      const e = await (await users()).get(emailKey(email));
      return e && e.operation === "PUT" ? User.parse(e.json()) : null;
    },
    async updateUser(email, mutate) {
      const key = emailKey(email);
      const kv = await users();
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const e = await kv.get(key);
        if (e?.operation !== "PUT") return null;
        const current = User.parse(e.json());
        const next = mutate(structuredClone(current));
        if (!next) return current;
        const parsed = User.parse({ ...next, id: current.id, email: current.email });
        try {
          await kv.update(key, enc(parsed), e.revision);
          return parsed;
        } catch (err) {
          if (!String((err as Error).message).includes("wrong last sequence")) throw err;
        }
      }
      throw new AppError("INTERNAL", "user: too many concurrent updates");
    },
    async deleteUser(email) {
      const key = emailKey(email);
      const kv = await users();
      const e = await kv.get(key);
      if (e?.operation !== "PUT") return false;
      await kv.purge(key);
      return true;
    },
    async createJob(job) {
      const parsed = Job.parse(job);
      await jobs.create(jobKey({ userId: parsed.userId, jobId: parsed.id }), enc(parsed));
    },
    async getJob(ref) {
      return (await readJob(jobKey(ref)))?.job ?? null;
    },
    updateJob(ref, mutate) {
      return oneAtATime(jobKey(ref), () => change(ref, mutate));
    },
    async listJobs(userId, query: ListJobsQuery): Promise<JobPage> {
      const ids = await userJobs(userId);
      const start = query.cursor ? ids.findIndex((x) => x.id < query.cursor!) : 0;
      const items: Job[] = [];
      const q = query.q?.toLowerCase();
      let i = start < 0 ? ids.length : start;
      for (; i < ids.length && items.length < query.limit; i++) {
        const job = await ids[i]!.read();
        if (!job) continue;
        if (query.status && job.status !== query.status) continue;
        if (q && !job.fileName.toLowerCase().includes(q)) continue;
        items.push(job);
      }
      return { items, next: i < ids.length && items.length === query.limit ? items.at(-1)!.id : null };
    },
    async usage(userId) {
      const entries = await latestEntries(jsm, jobsStream, jobSubject(`${userId}.*`));
      const cut = jobSubject("").length;
      let active = 0;
      let bytes = 0;
      for (const [subject, e] of entries) {
        const j = fieldsOf(subject.slice(cut), e);
        if (!j) continue;
        if (j.status === "queued" || j.status === "processing") active++;
        if (j.mediaDeletedAt == null && typeof j.sizeBytes === "number" && j.sizeBytes > 0) bytes += j.sizeBytes;
      }
      return { active, bytes };
    },
    async *scanJobs(filter = {}) {
      const entries = await latestEntries(jsm, jobsStream, jobSubject(">"));
      const cut = jobSubject("").length;
      const wanted = filter.status;
      for (const [subject, e] of entries) {
        const key = subject.slice(cut);
        if (wanted && !(wanted as readonly unknown[]).includes(fieldsOf(key, e)?.status)) continue;
        yield listed(key, e);
      }
    },
    async deleteJob(ref) {
      recent.delete(jobKey(ref));
      await jobs.purge(jobKey(ref));
    },
    async close() {},
  };
}
