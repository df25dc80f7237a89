import { execFile } from "node:child_process";
import { mkdtemp, rmdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export type SmallDisk = { dir: string; [Symbol.asyncDispose](): Promise<void> };

/**
 * A real file system of `bytes` (a tmpfs mounted on a fresh directory), so a test can fill the
 * disk and see the kernel's own ENOSPC. Needs the right to mount (root, as the suite runs here
 * and in CI); resolves to the reason instead where that is missing.
 */
export async function mountSmallDisk(bytes: number): Promise<SmallDisk | { unavailable: string }> {
  const dir = await mkdtemp(join(tmpdir(), "mp4t-small-disk-"));
  try {
    await run("mount", ["-t", "tmpfs", "-o", `size=${bytes},mode=0700`, "tmpfs", dir], { timeout: 10_000 });
  } catch (err) {
    await rmdir(dir).catch(() => undefined);
    return { unavailable: `cannot mount a tmpfs here (${(err as Error).message.split("\n")[0]})` };
  }
  return {
    dir,
    async [Symbol.asyncDispose]() {
      await run("umount", ["-l", dir], { timeout: 10_000 }).catch(() => undefined);
      await rmdir(dir).catch(() => undefined);
    },
  };
}
