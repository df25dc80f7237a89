/**
 * The lost-job check through the API, after a load run: every upload the gateway accepted (202
 * with an id) must be in its owner's `GET /v1/jobs`.
 */
import type { Job } from "@mp4t/contracts";
import { pool } from "@mp4t/testing";
import { api, login } from "../e2e/system.ts";
import type { Owned } from "./upload.journey.ts";

const TERMINAL = new Set(["completed", "failed", "canceled"]);
type JobPage = { items: Job[]; next: string | null };

/**
 * Logs each owner in again and lists their jobs: an accepted upload missing there is lost. Then
 * follows unfinished jobs for up to `settleSec`, to tell slow from stuck. An owner whose list could
 * not be read (three tries) is reported as unverified, not counted as a loss.
 */
export async function auditJobs(url: string, owned: Owned[], password: string, settleSec: number) {
  const byEmail = Map.groupBy(owned, (j) => j.email);
  const found = new Map<string, { job: Job; token: string }>();
  const unverified = new Map<string, string>(); // owner -> why their list could not be read
  const listAll = async (email: string) => {
    const token = await login(url, email, password);
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : "";
      const page = await api<JobPage>(url, `/v1/jobs?limit=100${query}`, { token });
      if (page.status !== 200) throw new Error(`GET /v1/jobs: ${page.status} ${page.text.slice(0, 200)}`);
      for (const job of page.body.items) found.set(job.id, { job, token });
      cursor = page.body.next;
    } while (cursor !== null);
  };
  await pool([...byEmail.keys()], 4, async (email) => {
    // A failed read is reported, not counted as a loss: three tries, a second apart.
    for (let attempt = 1; ; attempt++) {
      try {
        await listAll(email);
        unverified.delete(email);
        return;
      } catch (err) {
        unverified.set(email, (err as Error).message);
        if (attempt === 3) return;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  });
  const lost = owned.filter((j) => !unverified.has(j.email) && !found.has(j.id)).map((j) => j.id);
  const deadline = Date.now() + settleSec * 1000;
  let open = [...found.values()].filter((f) => !TERMINAL.has(f.job.status));
  const settleStart = Date.now();
  while (open.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 2000));
    await pool(open, 8, async (f) => {
      const r = await api<Job>(url, `/v1/jobs/${f.job.id}`, { token: f.token });
      if (r.status === 200) f.job = r.body;
    });
    open = open.filter((f) => !TERMINAL.has(f.job.status));
  }
  const statuses: Record<string, number> = {};
  const errorCodes: Record<string, number> = {};
  for (const { job } of found.values()) {
    statuses[job.status] = (statuses[job.status] ?? 0) + 1;
    if (job.error) errorCodes[job.error.code] = (errorCodes[job.error.code] ?? 0) + 1;
  }
  return { lost, unverified, statuses, errorCodes, settledSec: (Date.now() - settleStart) / 1000, jobs: [...found.values()].map((f) => f.job) };
}
