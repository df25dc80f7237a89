import { Job, User } from "@mp4t/contracts";
import { AppError } from "@mp4t/contracts";
import { MongoServerError, type Collection, type Filter } from "mongodb";
import { connectMongo, type MongoOptions } from "./mongo-client.ts";
import type { JobPage, JobRef, JobStore, ListJobsQuery } from "../ports.ts";

const MAX_CAS_ATTEMPTS = 50;
const SCAN_PAGE = 200;
const DUPLICATE_KEY = 11000;

/**
 * A user as stored: `_id` is the user id, `emailKey` the normalised email the unique index is on,
 * `rev` its committed revisions (absent before the first update).
 */
type UserDoc = User & { _id: string; emailKey: string; rev?: number };
/** The compare-and-set of a user update, as for jobs: one insert of `<userId>:<rev>` wins. */
type UserRevisionDoc = { _id: string; userId: string; rev: number };
/**
 * A job as stored. FerretDB (the MongoDB-wire server compose and the tests run) refuses nested
 * arrays, so the chunk plan's [startSec, endSec] pairs are stored as `{ s, e }` objects.
 */
type StoredJob = Omit<Job, "chunks"> & { chunks?: Omit<NonNullable<Job["chunks"]>, "plan"> & { plan?: { s: number; e: number }[] } };
const toStored = (job: Job): StoredJob => {
  const { chunks, ...rest } = job;
  if (!chunks) return rest;
  const { plan, ...c } = chunks;
  return { ...rest, chunks: plan ? { ...c, plan: plan.map(([s, e]) => ({ s, e })) } : c };
};
const fromStored = (job: StoredJob): unknown => (job.chunks?.plan ? { ...job, chunks: { ...job.chunks, plan: job.chunks.plan.map((p) => [p.s, p.e]) } } : job);
/** The current state of a job: `_id` is the job id, `rev` counts its committed revisions (0 on create). */
type JobDoc = StoredJob & { _id: string; rev: number };
/**
 * One committed revision of a job, `_id` = `<jobId>:<rev>`. Inserting it is the compare-and-set:
 * the unique `_id` lets exactly one writer move a job from rev n to n+1, even on servers whose
 * conditional updates are not atomic (FerretDB v1 filters, then writes by `_id`, FerretDB#3040).
 * `job` is removed once a later revision is in the head document.
 */
type RevisionDoc = { _id: string; jobId: string; rev: number; job?: StoredJob };

const emailKey = (email: string) => email.trim().toLowerCase();
const revisionId = (jobId: string, rev: number) => `${jobId}:${rev}`;
const isDuplicateKey = (err: unknown) => err instanceof MongoServerError && err.code === DUPLICATE_KEY;
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const toJob = ({ _id, rev, ...job }: JobDoc) => Job.parse(fromStored(job));
const toUser = ({ _id, emailKey: _key, rev: _rev, ...user }: UserDoc) => User.parse(user);

/**
 * Job store on MongoDB (or any MongoDB-wire server): the production adapter. Connects and creates
 * its indexes before resolving; fails with SERVICE_UNAVAILABLE if the server cannot be reached.
 */
export async function createMongoJobStore(opts: MongoOptions): Promise<JobStore> {
  const { client, db } = await connectMongo(opts);
  const users: Collection<UserDoc> = db.collection("users");
  const jobs: Collection<JobDoc> = db.collection("jobs");
  const revisions: Collection<RevisionDoc> = db.collection("job_revisions");
  const userRevisions: Collection<UserRevisionDoc> = db.collection("user_revisions");
  await Promise.all([
    users.createIndex({ emailKey: 1 }, { unique: true, name: "email_unique" }),
    jobs.createIndex({ userId: 1, _id: -1 }, { name: "user_newest" }),
    jobs.createIndex({ userId: 1, status: 1, _id: -1 }, { name: "user_status_newest" }),
    revisions.createIndex({ jobId: 1, rev: -1 }, { name: "job_rev" }),
  ]);

  const readHead = (ref: JobRef) => jobs.findOne({ _id: ref.jobId, userId: ref.userId });

  /** Copies a committed revision into the head unless the head already holds it or a later one. */
  const writeHead = (jobId: string, rev: number, job: StoredJob) => jobs.replaceOne({ _id: jobId, rev: { $lt: rev } }, { ...job, rev });

  /**
   * Brings the head up to the newest committed revision. Needed because a writer may stop between
   * committing and writing the head, and because on FerretDB an older head write can land last;
   * whoever wrote the head checks again afterwards, so the last writer always leaves it current.
   */
  const settle = async (jobId: string) => {
    for (;;) {
      const head = await jobs.findOne({ _id: jobId }, { projection: { rev: 1 } });
      if (!head) return;
      const latest = await revisions.findOne({ jobId }, { sort: { rev: -1 } });
      if (!latest?.job || latest.rev <= head.rev) return;
      await writeHead(jobId, latest.rev, latest.job);
    }
  };

  return {
    async createUser(user) {
      const parsed = User.parse(user);
      const key = emailKey(parsed.email);
      try {
        await users.insertOne({ ...parsed, _id: parsed.id, emailKey: key });
      } catch (err) {
        // The server's duplicate-key error does not always say which index (FerretDB omits keyPattern).
        if (isDuplicateKey(err) && (await users.findOne({ emailKey: key }, { projection: { _id: 1 } }))) {
          throw new AppError("EMAIL_TAKEN", undefined, { cause: err });
        }
        throw err;
      }
    },
    async getUserByEmail(email) {
      const doc = await users.findOne({ emailKey: emailKey(email) });
      return doc ? toUser(doc) : null;
    },
    async updateUser(email, mutate) {
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const doc = await users.findOne({ emailKey: emailKey(email) });
        if (!doc) return null;
        const current = toUser(doc);
        const next = mutate(structuredClone(current));
        if (!next) return current;
        const parsed = User.parse({ ...next, id: current.id, email: current.email });
        const rev = (doc.rev ?? 0) + 1;
        try {
          await userRevisions.insertOne({ _id: `${doc._id}:${rev}`, userId: doc._id, rev });
        } catch (err) {
          if (isDuplicateKey(err)) continue; // another writer took this revision: re-read, re-apply
          throw err;
        }
        // Only the winner of rev n writes it, and the next winner read rev n first: no older write lands last.
        await users.replaceOne({ _id: doc._id }, { ...parsed, emailKey: doc.emailKey, rev });
        // Old revision markers must outlive any writer that read before them, or a stale writer could
        // claim a freed number; a writer 1000 revisions behind has long re-read. Sessions make many.
        if (rev % 100 === 0) await userRevisions.deleteMany({ userId: doc._id, rev: { $lt: rev - 1000 } });
        return parsed;
      }
      throw new AppError("INTERNAL", "user: too many concurrent updates");
    },
    async deleteUser(email) {
      const doc = await users.findOneAndDelete({ emailKey: emailKey(email) });
      if (doc) await userRevisions.deleteMany({ userId: doc._id });
      return doc !== null;
    },
    async createJob(job) {
      const parsed = Job.parse(job);
      await jobs.insertOne({ ...toStored(parsed), _id: parsed.id, rev: 0 });
    },
    async getJob(ref) {
      const doc = await readHead(ref);
      return doc ? toJob(doc) : null;
    },
    async updateJob(ref, mutate) {
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const head = await readHead(ref);
        if (!head) return null;
        const current = toJob(head);
        const next = mutate(structuredClone(current));
        if (!next) return current;
        const parsed = Job.parse({ ...next, updatedAt: new Date().toISOString() });
        const rev = head.rev + 1;
        try {
          await revisions.insertOne({ _id: revisionId(ref.jobId, rev), jobId: ref.jobId, rev, job: toStored(parsed) });
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          // Someone else committed rev first: make sure it reached the head, then re-read and re-apply.
          await settle(ref.jobId);
          continue;
        }
        await writeHead(ref.jobId, rev, toStored(parsed));
        await settle(ref.jobId);
        if (!(await jobs.findOne({ _id: ref.jobId }, { projection: { _id: 1 } }))) {
          await revisions.deleteMany({ jobId: ref.jobId }); // deleted meanwhile: leave no revisions behind
        } else if (rev > 1) {
          await revisions.updateOne({ _id: revisionId(ref.jobId, rev - 1) }, { $unset: { job: "" } });
        }
        return parsed;
      }
      throw new AppError("INTERNAL", `job ${ref.jobId}: too many concurrent updates`);
    },
    async listJobs(userId, query: ListJobsQuery): Promise<JobPage> {
      const filter: Filter<JobDoc> = { userId };
      if (query.cursor) filter._id = { $lt: query.cursor };
      if (query.status) filter.status = query.status;
      if (query.q) filter.fileName = { $regex: escapeRegex(query.q), $options: "i" };
      // One extra document tells whether another page exists.
      const docs = await jobs.find(filter, { sort: { _id: -1 }, limit: query.limit + 1 }).toArray();
      const items = docs.slice(0, query.limit).map(toJob);
      return { items, next: docs.length > query.limit ? items.at(-1)!.id : null };
    },
    async usage(userId) {
      let active = 0;
      let bytes = 0;
      const docs = jobs.find({ userId }, { projection: { status: 1, sizeBytes: 1, mediaDeletedAt: 1 } });
      for await (const d of docs) {
        if (d.status === "queued" || d.status === "processing") active++;
        if (d.mediaDeletedAt == null && typeof d.sizeBytes === "number" && d.sizeBytes > 0) bytes += d.sizeBytes;
      }
      return { active, bytes };
    },
    async *scanJobs(filter = {}) {
      // Pages by _id rather than one long server cursor: a slow consumer (the janitor deleting
      // media per job) cannot outlive the server's idle-cursor timeout.
      let after = "";
      const status = filter.status ? { status: { $in: [...filter.status] } } : {};
      for (;;) {
        const page = await jobs.find({ _id: { $gt: after }, ...status }, { sort: { _id: 1 }, limit: SCAN_PAGE }).toArray();
        for (const doc of page) yield toJob(doc);
        if (page.length < SCAN_PAGE) return;
        after = page.at(-1)!._id;
      }
    },
    async deleteJob(ref) {
      const { deletedCount } = await jobs.deleteOne({ _id: ref.jobId, userId: ref.userId });
      if (deletedCount) await revisions.deleteMany({ jobId: ref.jobId });
    },
    async close() {
      await client.close();
    },
  };
}
