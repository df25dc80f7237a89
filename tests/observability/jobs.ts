import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Job } from "@mp4t/contracts";
import { api, login, type RunningSystem } from "../e2e/system.ts";

export { untilEnded } from "../e2e/system.ts";

/** Registers a fresh user and returns its token. */
export async function newUser(sys: RunningSystem, email: string): Promise<string> {
  const password = "observability-test-pw";
  const r = await api(sys.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email, password }) });
  if (r.status !== 201) throw new Error(`register failed: ${r.status} ${r.text}`);
  return login(sys.url, email, password);
}

export async function upload(sys: RunningSystem, token: string, path: string, options: Record<string, unknown> = {}): Promise<Job> {
  const form = new FormData();
  form.append("options", JSON.stringify({ language: "en", ...options }));
  form.append("file", new Blob([await readFile(path)]), basename(path));
  const r = await api<Job>(sys.url, "/v1/jobs", { method: "POST", body: form, token });
  if (r.status !== 202) throw new Error(`upload failed: ${r.status} ${r.text}`);
  return r.body;
}

/** Polls `probe` until it returns a value (not undefined), or fails with the last reason. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${(last as Error).message})` : ""}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
