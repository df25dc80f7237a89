import type { Job, User } from "@mp4t/contracts";
import { newId } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import type { JobStore } from "../ports.ts";

const now = () => new Date().toISOString();
export const sampleUser = (over: Partial<User> = {}): User => ({
  id: newId(),
  email: `${newId()}@example.test`,
  passwordHash: "scrypt$x$y",
  role: "user",
  createdAt: now(),
  ...over,
});
export const sampleJob = (userId: string, over: Partial<Job> = {}): Job => ({
  id: newId(),
  userId,
  status: "queued",
  progress: 0,
  fileName: "talk.mp4",
  sizeBytes: 10,
  options: { language: "en", diarize: true, enhance: [], class: "interactive" },
  stages: {},
  createdAt: now(),
  updatedAt: now(),
  ...over,
});

/** Every JobStore adapter must pass this suite. `make` returns a fresh, empty store. */
export function jobStoreConformance(name: string, make: () => Promise<{ store: JobStore; cleanup(): Promise<void> }>) {
  describe(`JobStore conformance: ${name}`, () => {
    const withStore = async (fn: (s: JobStore) => Promise<void>) => {
      const { store, cleanup } = await make();
      try {
        await fn(store);
      } finally {
        await cleanup();
      }
    };

    it("creates users and finds them by email, case-insensitively", () =>
      withStore(async (s) => {
        const u = sampleUser({ email: "Ada@Example.test" });
        await s.createUser(u);
        expect(await s.getUserByEmail("ada@example.TEST")).toEqual(u);
        expect(await s.getUserByEmail("nobody@example.test")).toBeNull();
      }));

    it("rejects a second user with the same email with EMAIL_TAKEN", () =>
      withStore(async (s) => {
        await s.createUser(sampleUser({ email: "dup@example.test" }));
        await expect(s.createUser(sampleUser({ email: "DUP@example.test" }))).rejects.toMatchObject({ code: "EMAIL_TAKEN" });
      }));

    it("updates a user atomically: concurrent session writes are all kept, id and email never change", () =>
      withStore(async (s) => {
        const u = sampleUser({ email: "Sess@example.test" });
        await s.createUser(u);
        const at = now();
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            s.updateUser("sess@example.test", (x) => ({ ...x, sessions: [...(x.sessions ?? []), { id: `s${i}`, gen: 0, createdAt: at, expiresAt: at }] })),
          ),
        );
        const stored = await s.getUserByEmail("SESS@example.test");
        expect(stored!.sessions!.map((x) => x.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `s${i}`).sort());
        const changed = await s.updateUser("sess@example.test", (x) => ({ ...x, role: "admin", id: "other", email: "other@example.test" }));
        expect(changed).toMatchObject({ id: u.id, email: u.email, role: "admin" });
        expect(await s.updateUser("sess@example.test", () => undefined)).toEqual(changed);
        expect(await s.updateUser("nobody@example.test", (x) => x)).toBeNull();
      }));

    it("deletes a user; the email can then be registered again", () =>
      withStore(async (s) => {
        const u = sampleUser({ email: "gone@example.test" });
        await s.createUser(u);
        expect(await s.deleteUser("GONE@example.test")).toBe(true);
        expect(await s.getUserByEmail("gone@example.test")).toBeNull();
        expect(await s.deleteUser("gone@example.test")).toBe(false);
        await s.createUser(sampleUser({ email: "gone@example.test" }));
        expect(await s.getUserByEmail("gone@example.test")).not.toBeNull();
      }));

    it("stores and reads jobs by owner and id; another user's id finds nothing", () =>
      withStore(async (s) => {
        const job = sampleJob("alice");
        await s.createJob(job);
        expect(await s.getJob({ userId: "alice", jobId: job.id })).toEqual(job);
        expect(await s.getJob({ userId: "mallory", jobId: job.id })).toBeNull();
        await expect(s.createJob(job)).rejects.toThrow();
      }));

    it("applies concurrent updates without losing any", () =>
      withStore(async (s) => {
        const job = sampleJob("alice", { chunks: { count: 20, done: [] } });
        await s.createJob(job);
        const ref = { userId: "alice", jobId: job.id };
        await Promise.all(Array.from({ length: 20 }, (_, i) => s.updateJob(ref, (j) => ({ ...j, chunks: { count: 20, done: [...j.chunks!.done, i] } }))));
        const done = (await s.getJob(ref))!.chunks!.done;
        expect([...done].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      }));

    it("keeps a windowed job's chunk plan ([start, end] pairs) through create, update, list and scan", () =>
      withStore(async (s) => {
        const plan: [number, number][] = [
          [0, 12.07],
          [12.07, 18.37],
          [18.37, 28.74],
        ];
        const job = sampleJob("alice", { chunks: { count: 3, done: [], window: 2, plan } });
        await s.createJob(job);
        const ref = { userId: "alice", jobId: job.id };
        expect(await s.getJob(ref)).toEqual(job);
        const updated = await s.updateJob(ref, (j) => ({ ...j, chunks: { ...j.chunks!, done: [0] } }));
        expect(updated!.chunks).toEqual({ count: 3, done: [0], window: 2, plan });
        expect((await s.getJob(ref))!.chunks).toEqual(updated!.chunks);
        expect((await s.listJobs("alice", { limit: 10 })).items.find((j) => j.id === job.id)?.chunks?.plan).toEqual(plan);
        let scanned: Job | undefined;
        for await (const j of s.scanJobs()) if (j.id === job.id) scanned = j;
        expect(scanned?.chunks?.plan).toEqual(plan);
      }));

    it("leaves a job untouched when the mutation returns undefined, and returns null for a missing job", () =>
      withStore(async (s) => {
        const job = sampleJob("alice");
        await s.createJob(job);
        const same = await s.updateJob({ userId: "alice", jobId: job.id }, () => undefined);
        expect(same).toEqual(job);
        expect(await s.updateJob({ userId: "alice", jobId: "0".repeat(26) }, (j) => j)).toBeNull();
      }));

    it("hands out copies: changing a returned record, or a declined mutation's argument, changes nothing stored", () =>
      withStore(async (s) => {
        const job = sampleJob("alice");
        await s.createJob(job);
        const ref = { userId: "alice", jobId: job.id };
        const read = (await s.getJob(ref))!;
        read.fileName = "changed by the reader";
        const updated = (await s.updateJob(ref, (j) => ({ ...j, progress: 0.5 })))!;
        expect(updated.fileName).toBe(job.fileName);
        updated.fileName = "changed by the writer";
        const declined = await s.updateJob(ref, (j) => {
          j.fileName = "changed in place, then declined";
          return undefined;
        });
        expect(declined).toMatchObject({ fileName: job.fileName, progress: 0.5 });
        const next = await s.updateJob(ref, (j) => ({ ...j, progress: 0.6 }));
        expect(next).toMatchObject({ fileName: job.fileName, progress: 0.6 });
        expect(await s.getJob(ref)).toMatchObject({ fileName: job.fileName, progress: 0.6 });
      }));

    it("lists a user's jobs newest first with a cursor, a status filter and a search", () =>
      withStore(async (s) => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const job = sampleJob("bob", {
            id: newId(Date.now() + i),
            fileName: i === 2 ? "Lecture-week2.mp4" : `clip${i}.mp4`,
            status: i % 2 ? "completed" : "queued",
          });
          ids.push(job.id);
          await s.createJob(job);
        }
        await s.createJob(sampleJob("carol"));
        const first = await s.listJobs("bob", { limit: 2 });
        expect(first.items.map((j) => j.id)).toEqual([ids[4], ids[3]]);
        expect(first.next).not.toBeNull();
        const second = await s.listJobs("bob", { limit: 10, cursor: first.next! });
        expect(second.items.map((j) => j.id)).toEqual([ids[2], ids[1], ids[0]]);
        expect(second.next).toBeNull();
        expect((await s.listJobs("bob", { limit: 10, status: "completed" })).items.map((j) => j.id)).toEqual([ids[3], ids[1]]);
        expect((await s.listJobs("bob", { limit: 10, q: "week2" })).items.map((j) => j.id)).toEqual([ids[2]]);
      }));

    it("counts a user's active jobs and the media bytes their jobs still keep, and follows updates", () =>
      withStore(async (s) => {
        const at = new Date().toISOString();
        const jobs = [
          sampleJob("dora", { status: "queued", sizeBytes: 100 }),
          sampleJob("dora", { status: "processing", sizeBytes: 200 }),
          sampleJob("dora", { status: "completed", sizeBytes: 400 }),
          sampleJob("dora", { status: "completed", sizeBytes: 800, mediaDeletedAt: at }),
          sampleJob("dora", { status: "failed", sizeBytes: 1600 }),
          sampleJob("erin", { status: "processing", sizeBytes: 3200 }),
        ];
        for (const j of jobs) await s.createJob(j);
        expect(await s.usage("dora")).toEqual({ active: 2, bytes: 2300 });
        expect(await s.usage("erin")).toEqual({ active: 1, bytes: 3200 });
        expect(await s.usage("nobody")).toEqual({ active: 0, bytes: 0 });
        // The processing job completes and its media is removed; the queued one is deleted.
        await s.updateJob({ userId: "dora", jobId: jobs[1]!.id }, (j) => ({ ...j, status: "completed", mediaDeletedAt: at }));
        await s.deleteJob({ userId: "dora", jobId: jobs[0]!.id });
        expect(await s.usage("dora")).toEqual({ active: 0, bytes: 2000 });
      }));

    it("scans every job and deletes one", () =>
      withStore(async (s) => {
        const a = sampleJob("u1");
        const b = sampleJob("u2");
        await s.createJob(a);
        await s.createJob(b);
        const seen: string[] = [];
        for await (const j of s.scanJobs()) seen.push(j.id);
        expect(seen.sort()).toEqual([a.id, b.id].sort());
        // With a status filter, only jobs in one of those statuses (b's status changed after it was read once).
        await s.updateJob({ userId: b.userId, jobId: b.id }, (j) => ({ ...j, status: "processing" }));
        const active: string[] = [];
        for await (const j of s.scanJobs({ status: ["queued", "processing"] })) active.push(`${j.id} ${j.status}`);
        expect(active.sort()).toEqual([`${a.id} queued`, `${b.id} processing`].sort());
        const processing: string[] = [];
        for await (const j of s.scanJobs({ status: ["processing"] })) processing.push(j.id);
        expect(processing).toEqual([b.id]);
        const none: string[] = [];
        for await (const j of s.scanJobs({ status: ["completed"] })) none.push(j.id);
        expect(none).toEqual([]);
        await s.deleteJob({ userId: "u1", jobId: a.id });
        expect(await s.getJob({ userId: "u1", jobId: a.id })).toBeNull();
      }));
  });
}
