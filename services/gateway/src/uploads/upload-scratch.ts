import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { JobOptions } from "@mp4t/contracts";
import { AppError, isDiskFull } from "@mp4t/contracts";

/** What a resumable upload is: the sidecar `<id>.json` beside its bytes `<id>.bin`. */
export type UploadRecord = {
  id: string;
  userId: string;
  length: number;
  fileName: string;
  options: JobOptions;
  createdAt: string;
  expiresAt: string;
  /** Set once the last byte landed and the job was created; the bytes are gone by then. */
  jobId?: string;
};

export type UploadScratchOptions = {
  dir: string;
  /** An upload not finished this long after creation is deleted (its record too; a finished one's record as well). */
  expiryMs: number;
  /** Bytes all unfinished uploads may reserve together (their Upload-Length), so the scratch area is bounded. */
  maxTotalBytes: number;
  /** Unfinished uploads one user may have at once. */
  maxPerUser: number;
};

/** Upload ids are 144 random bits: knowing one id tells nothing about another. */
const ID = /^[A-Za-z0-9_-]{24}$/;
export const isUploadId = (id: string) => ID.test(id);

/**
 * The scratch area of resumable uploads under DATA_DIR: one directory (0700), files named by
 * random ids, bounded by the bytes reserved and by a count per user, expired uploads swept.
 * State lives in the files, so a restarted gateway resumes where it stopped; an in-process lock
 * keeps two PATCHes of one upload from interleaving.
 */
export function createUploadScratch(opts: UploadScratchOptions) {
  const busy = new Set<string>();
  const json = (id: string) => join(opts.dir, `${id}.json`);
  const bin = (id: string) => join(opts.dir, `${id}.bin`);
  // Made when first needed: a gateway on a read-only file system still starts, and only resumable uploads fail (503).
  let ready: Promise<unknown> | undefined;
  const dirReady = () =>
    (ready ??= mkdir(opts.dir, { recursive: true, mode: 0o700 }).catch((err: unknown) => {
      ready = undefined;
      throw new AppError("SERVICE_UNAVAILABLE", "resumable uploads have no scratch directory here (UPLOAD_SCRATCH_DIR); use POST /v1/jobs", { cause: err });
    }));

  const readRecord = async (id: string): Promise<UploadRecord | null> => {
    if (!isUploadId(id)) return null;
    try {
      return JSON.parse(await readFile(json(id), "utf8")) as UploadRecord;
    } catch {
      return null;
    }
  };
  const writeRecord = async (r: UploadRecord) => {
    const tmp = `${json(r.id)}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(r), { mode: 0o600 });
      await rename(tmp, json(r.id));
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined); // a full disk leaves no half record behind
      throw err;
    }
  };
  const offsetOf = async (id: string) => (await stat(bin(id)).catch(() => null))?.size ?? 0;
  const expired = (r: UploadRecord, now = Date.now()) => Date.parse(r.expiresAt) <= now;
  const all = async () => {
    await dirReady();
    const names = (await readdir(opts.dir)).filter((n) => n.endsWith(".json"));
    return (await Promise.all(names.map((n) => readRecord(n.slice(0, -5))))).filter((r): r is UploadRecord => r !== null);
  };

  const remove = async (id: string) => {
    await rm(bin(id), { force: true });
    await rm(json(id), { force: true });
  };

  return {
    dir: opts.dir,

    async create(input: Omit<UploadRecord, "id" | "createdAt" | "expiresAt" | "jobId">): Promise<UploadRecord> {
      const open = (await all()).filter((r) => !r.jobId && !expired(r));
      if (open.filter((r) => r.userId === input.userId).length >= opts.maxPerUser) {
        throw new AppError("TOO_MANY_UPLOADS", `you have ${opts.maxPerUser} unfinished uploads; finish or delete one first`);
      }
      const reserved = open.reduce((s, r) => s + r.length, 0);
      if (reserved + input.length > opts.maxTotalBytes) throw new AppError("UPLOAD_SCRATCH_FULL", "the server's upload area is full; retry later");
      const now = Date.now();
      const r: UploadRecord = {
        ...input,
        id: randomBytes(18).toString("base64url"),
        createdAt: new Date(now).toISOString(),
        expiresAt: new Date(now + opts.expiryMs).toISOString(),
      };
      await writeRecord(r);
      // Without its bytes file the record would count against the user's cap for a day: both or neither.
      await writeFile(bin(r.id), new Uint8Array(0), { mode: 0o600, flag: "wx" }).catch(async (err: unknown) => {
        await remove(r.id).catch(() => undefined);
        throw err;
      });
      return r;
    },

    /** The caller's upload and its offset; null when missing, expired (then removed) or another user's. */
    async get(userId: string, id: string): Promise<{ record: UploadRecord; offset: number } | null> {
      const record = await readRecord(id);
      if (!record || record.userId !== userId) return null;
      if (expired(record)) {
        if (!busy.has(id)) await remove(id);
        return null;
      }
      return { record, offset: record.jobId ? record.length : await offsetOf(id) };
    },

    /**
     * Appends `body` at `offset` (which must be the current size) up to the upload's length; call it inside `locked`.
     * Bytes that arrived stay when the body breaks off: the next HEAD reports them. Resolves to
     * the new offset.
     */
    async append(record: UploadRecord, offset: number, body: Readable): Promise<number> {
      const current = await offsetOf(record.id);
      if (offset !== current) throw new AppError("UPLOAD_OFFSET_MISMATCH", `Upload-Offset is ${offset} but the server has ${current} bytes`);
      let left = record.length - current;
      const limit = new Transform({
        transform(chunk: Buffer, _enc, done) {
          if (chunk.length > left) return done(new AppError("VALIDATION_FAILED", `the body passes Upload-Length (${record.length} bytes)`));
          left -= chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(body, limit, createWriteStream(bin(record.id), { flags: "a", mode: 0o600 })).catch((err: unknown) => {
        if (err instanceof AppError) throw err;
        // The disk filled: what fitted is kept, and the client resumes once there is room.
        if (isDiskFull(err)) throw new AppError("STORAGE_FULL", undefined, { cause: err });
        // The client went away mid-body: what arrived is kept for the resume.
        throw new AppError("REQUEST_TIMEOUT", "the upload body broke off; resume from the offset HEAD reports", { cause: err });
      });
      return await offsetOf(record.id);
    },

    /** Runs `fn` as the upload's only writer; a second writer meanwhile gets UPLOAD_LOCKED. */
    async locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
      if (busy.has(id)) throw new AppError("UPLOAD_LOCKED", "another request is writing this upload; retry after it ends");
      busy.add(id);
      try {
        return await fn();
      } finally {
        busy.delete(id);
      }
    },

    /** The finished bytes, for the blob store. */
    read: (record: UploadRecord) => createReadStream(bin(record.id)),

    /** Marks the upload finished with its job and drops its bytes; the record answers HEAD until it expires. */
    async finish(record: UploadRecord, jobId: string) {
      await writeRecord({ ...record, jobId });
      await rm(bin(record.id), { force: true });
    },

    remove,

    /** Deletes every expired upload (finished or not); resolves to how many. */
    async sweep(now = Date.now()): Promise<number> {
      let n = 0;
      for (const r of await all()) {
        if (expired(r, now) && !busy.has(r.id)) {
          await remove(r.id);
          n++;
        }
      }
      // Bytes without a record (deleted while a write was running) go too.
      for (const name of await readdir(opts.dir)) {
        if (name.endsWith(".bin") && !(await readRecord(name.slice(0, -4))) && !busy.has(name.slice(0, -4))) await rm(join(opts.dir, name), { force: true });
      }
      return n;
    },
  };
}

export type UploadScratch = ReturnType<typeof createUploadScratch>;
