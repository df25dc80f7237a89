/**
 * Blobs written to a file blob store (BLOB_STORE=file), seen by listing its directory every
 * 50 ms: a job's blobs stay until its cleanup, seconds after they are written, so every one is
 * seen. Reads leave no trace on disk; the NATS Object Store runs of this bench (`<layout>:nats`
 * in BENCH_MODES) count each blob read once, with the same bytes as written, and the floor reads
 * each file back once. Files already there when the watch starts (an earlier round's finished
 * jobs keep their transcripts) are not counted.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

export async function watchBlobFiles(dir: string) {
  const sizes = new Map<string, number>();
  const list = async () => (await readdir(dir, { recursive: true }).catch(() => [] as string[])).map(String);
  const before = new Set(await list());
  let on = true;
  const scan = async () => {
    for (const name of await list()) {
      if (name.startsWith(".") || sizes.has(name) || before.has(name)) continue;
      const s = await stat(join(dir, name)).catch(() => null);
      if (s?.isFile()) sizes.set(name, s.size);
    }
  };
  const loop = (async () => {
    while (on) {
      await scan();
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    /** Stops and resolves every blob's size, in the order first seen. */
    async stop(): Promise<number[]> {
      on = false;
      await loop;
      return [...sizes.values()];
    },
  };
}
