import type { ApiKeyRecord, Job, JobStatus, User } from "@mp4t/contracts";

export type JobRef = { userId: string; jobId: string };

export type ListJobsQuery = { status?: JobStatus; q?: string; cursor?: string; limit: number };
export type JobPage = { items: Job[]; next: string | null };

/**
 * Users, jobs and their metadata. Job writes are compare-and-set: `updateJob` re-reads and
 * re-applies the mutation on a conflicting write, so concurrent replicas never lose an update.
 */
export interface JobStore {
  /** Throws AppError EMAIL_TAKEN when the email is registered already. */
  createUser(user: User): Promise<void>;
  getUserByEmail(email: string): Promise<User | null>;
  /**
   * Applies `mutate` to the user atomically (compare-and-set, re-applied on a conflicting write,
   * so a session rotation is never lost to a concurrent one). `id` and `email` cannot change.
   * Return undefined to leave the user as is. Resolves to the stored user, or null if none.
   */
  updateUser(email: string, mutate: (user: User) => User | undefined): Promise<User | null>;
  /** Removes the user record (its jobs are the janitor's). Resolves true if there was one. */
  deleteUser(email: string): Promise<boolean>;
  /** Throws if a job with this id exists. */
  createJob(job: Job): Promise<void>;
  getJob(ref: JobRef): Promise<Job | null>;
  /**
   * Applies `mutate` atomically. Return the same object (or undefined) to leave the job as is.
   * Resolves to the stored job (null if it does not exist).
   */
  updateJob(ref: JobRef, mutate: (job: Job) => Job | undefined): Promise<Job | null>;
  /** Newest first; `next` is an opaque cursor for the following page. */
  listJobs(userId: string, query: ListJobsQuery): Promise<JobPage>;
  /**
   * A user's queued or processing jobs, and the bytes of uploaded media their jobs still keep (no
   * `mediaDeletedAt`), from one pass that reads those three fields only: the gateway asks at every
   * upload, and a user with thousands of jobs must not have them all validated each time.
   */
  usage(userId: string): Promise<{ active: number; bytes: number }>;
  /**
   * Every job of every user, for the janitor's sweeps; with `status`, only jobs in one of those
   * (the others are passed over before they are validated: the reaper's pass
   * reads a few active jobs among thousands that are done).
   */
  scanJobs(filter?: { status?: readonly JobStatus[] }): AsyncIterable<Job>;
  deleteJob(ref: JobRef): Promise<void>;
  close(): Promise<void>;
}

/**
 * API keys, found by the SHA-256 of the key (the key itself is never stored). Only the gateway
 * opens this store (on NATS: the users bucket, which no worker may read).
 */
export interface ApiKeyStore {
  /** Stores a new key record. */
  create(key: ApiKeyRecord): Promise<void>;
  getByHash(hash: string): Promise<ApiKeyRecord | null>;
  /** A user's keys, oldest first. */
  list(userId: string): Promise<ApiKeyRecord[]>;
  /** Removes one of the user's keys; resolves true if there was one. */
  delete(userId: string, id: string): Promise<boolean>;
  /** Records a use; never moves `lastUsedAt` back, a no-op for a removed key. */
  touch(hash: string, at: string): Promise<void>;
  close(): Promise<void>;
}

export type BlobInfo = { key: string; size: number };
export type BlobBody = ReadableStream<Uint8Array> | Uint8Array;

/** Uploads, audio, chunk results, transcripts. Keys are paths such as `jobs/<id>/audio.wav`. */
export interface BlobStore {
  /** Resolves once the blob is stored and `body` is no longer read: the caller may then reuse its bytes. */
  put(key: string, body: BlobBody, meta?: { contentType?: string }): Promise<BlobInfo>;
  /** Streams the blob, or null if there is none. */
  get(key: string): Promise<ReadableStream<Uint8Array> | null>;
  /**
   * The blob whole, or null if there is none. `alloc`, when given, is asked for the array of the
   * blob's size to read into (a caller reusing one saves the page faults of fresh memory); a store
   * that cannot know the size first allocates its own.
   */
  getBytes(key: string, alloc?: (size: number) => Uint8Array): Promise<Uint8Array | null>;
  /**
   * A local file stored as the blob, and a blob written to a local file, copied by the kernel
   * without passing through this process: stores on this machine's disk only (the file store).
   * Absent elsewhere; `uploadFile` and `downloadToFile` stream instead.
   */
  putFile?(key: string, path: string, opts?: { move?: boolean }): Promise<BlobInfo>;
  /** Resolves false if the blob does not exist. */
  getFile?(key: string, path: string): Promise<boolean>;
  /**
   * The blob at `from` stored under `to` as well, without its bytes passing through this process
   * (the file store links it); null when `from` does not exist. The two are independent after:
   * overwriting or deleting one leaves the other. Absent elsewhere; `copyBlob` streams instead.
   */
  copy?(from: string, to: string): Promise<BlobInfo | null>;
  stat(key: string): Promise<BlobInfo | null>;
  /** Resolves true if something was deleted. */
  delete(key: string): Promise<boolean>;
  /** Deletes every key given (missing ones are skipped); resolves to how many were deleted. */
  deleteMany(keys: string[]): Promise<number>;
  list(prefix: string): Promise<BlobInfo[]>;
  deletePrefix(prefix: string): Promise<number>;
  close(): Promise<void>;
}
