import { randomUUID } from "node:crypto";
import { chmodSync, closeSync, constants, fstatSync, linkSync, mkdirSync, openSync, renameSync, rmdirSync, statSync } from "node:fs";
import { copyFile, mkdir, open, readdir, stat, unlink, type FileHandle } from "node:fs/promises";
import { closeQuietly, readAll, writeAll } from "../local-io.ts";
import { isDiskFull, RetryableError } from "@mp4t/contracts";
import { dirname, join, resolve, sep } from "node:path";
import type { BlobInfo, BlobStore } from "../ports.ts";
import { sizedArray } from "../blob-helpers.ts";

/** A key: `/`-separated names of letters, digits, `.`, `_` and `-`, none starting with a dot (so no `..`, no hidden file). */
const KEY = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}\/){0,7}[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
/** A listing prefix: a key's start, possibly ending in `/`. */
const PREFIX = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}\/){0,8}(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,127})?$/;
/** Reads of a blob's stream. */
const READ_SIZE = 256 * 1024;
/** Writes in progress live here (a dot name: no key reaches it); one not touched for this long was left by a dead process. */
const TMP = ".tmp";
const STALE_TMP_MS = 60 * 60 * 1000;

/** Directories remembered as made (see `made`): a few hundred jobs' worth. */
const MADE_DIRS = 1024;

/** How soon a write refused by a full disk is worth trying again. */
const DISK_FULL_RETRY_MS = 30_000;

/** A write the disk refused as full becomes STORAGE_FULL (retried like an outage, never the job's fault); others pass. */
const asDiskFull = (err: unknown) =>
  isDiskFull(err)
    ? new RetryableError("STORAGE_FULL", `the blob directory's disk is full (${(err as NodeJS.ErrnoException).code})`, {
        cause: err,
        retryAfterMs: DISK_FULL_RETRY_MS,
      })
    : err;

const code = (err: unknown) => (err as NodeJS.ErrnoException)?.code;
const missing = (err: unknown) => code(err) === "ENOENT" || code(err) === "ENOTDIR";
/**
 * Removes a file an error path leaves behind, if it is there. Unlinks go to the pool, as the
 * store's deletes do: freeing a large file's blocks and cached pages (an upload of gigabytes) is
 * not a wait for the event loop.
 */
const unlinkQuietly = (path: string) => unlink(path).catch(() => {});
/** A copy to a new file: a reflink where the filesystem has them, else copy_file_range (no byte passes through this process). */
const cloneNew = (from: string, to: string) => copyFile(from, to, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
/** A filesystem that will not link (a mount without hard links, too many links already): copied instead. */
const LINK_REFUSED = new Set(["EPERM", "EXDEV", "EMLINK", "ENOTSUP", "EOPNOTSUPP"]);

/**
 * Blob store in a local directory: `npm start`'s default where every process runs on this one
 * machine (scripts/prepare.ts decides). A blob is one file named by its key under `dir`; a put
 * writes a file in `dir/.tmp` and renames it into place, so a reader sees the old blob or the
 * new one whole, never a part, and a failed put leaves nothing under the key. Keys are checked
 * against a fixed pattern before they reach a path: they are built by the services
 * (`BlobKeys`, from generated job ids), never taken from a request.
 */
export async function createFileBlobStore(opts: { dir: string }): Promise<BlobStore> {
  const root = resolve(opts.dir);
  const tmpDir = join(root, TMP);
  await mkdir(tmpDir, { recursive: true, mode: 0o700 });
  await sweepStaleTmp(tmpDir);

  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new Error(`blob key ${JSON.stringify(key.slice(0, 80))} is not a valid key`);
    return join(root, ...key.split("/"));
  };
  /**
   * Directories this store made or found for a put, so the next put there skips its mkdir (a job
   * writes a dozen blobs into its own). Only a hint: a directory removed since (its last blob
   * deleted, here or by another process) fails the rename, and the put then makes it again.
   */
  const made = new Set<string>();
  const madeDir = (dir: string) => {
    made.add(dir);
    if (made.size > MADE_DIRS) made.delete(made.values().next().value!);
  };
  /** Whether a directory is one pruning may remove: under the root, and not the writes in progress. */
  const prunable = (dir: string) => dir.startsWith(root + sep) && dir !== tmpDir;
  /** Removes `from` and the directories above it while they are empty, up to the root (a job's directory goes with its last blob). */
  const pruneDirs = (from: string) => {
    for (let dir = from; prunable(dir); dir = dirname(dir)) {
      try {
        rmdirSync(dir);
        made.delete(dir);
      } catch {
        return; // not empty, or gone: either way the rest above stays
      }
    }
  };
  /** Deletes the file (in the pool: see `unlinkQuietly`); false when there was none. */
  const unlinkBlob = async (path: string) => {
    try {
      await unlink(path);
      return true;
    } catch (err) {
      if (missing(err)) return false;
      throw err;
    }
  };
  const remove = async (key: string) => {
    const path = pathOf(key);
    if (!(await unlinkBlob(path))) return false;
    pruneDirs(dirname(path));
    return true;
  };
  /**
   * Deletes blobs at once, then tries each directory they were in, and each above those, once,
   * deeper ones first; one that stays (not empty) keeps those above it from being tried. Pruned
   * per blob, a job's eight chunks made eight attempts on the chunks directory, seven of them
   * failing. Resolves how many blobs there were.
   */
  const removeAll = async (keys: string[]) => {
    // As one delete each: an invalid key or a failed unlink fails the call, after the others are
    // done and their directories pruned.
    const settled = await Promise.allSettled(
      keys.map(async (key) => {
        const path = pathOf(key);
        return (await unlinkBlob(path)) ? path : null;
      }),
    );
    const deleted = settled.flatMap((r) => (r.status === "fulfilled" && r.value !== null ? [r.value] : []));
    const dirs = new Set<string>();
    for (const path of deleted) for (let dir = dirname(path); prunable(dir) && !dirs.has(dir); dir = dirname(dir)) dirs.add(dir);
    const depth = (dir: string) => dir.split(sep).length;
    const stays = new Set<string>();
    for (const dir of [...dirs].sort((a, b) => depth(b) - depth(a))) {
      if (stays.has(dir)) continue;
      try {
        rmdirSync(dir);
        made.delete(dir);
      } catch (err) {
        // Gone already: those above may still be empty. Anything else (not empty): they are not.
        if (!missing(err)) for (let up = dirname(dir); prunable(up); up = dirname(up)) stays.add(up);
      }
    }
    const failed = settled.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
    return deleted.length;
  };
  const list = async (prefix: string): Promise<BlobInfo[]> => {
    if (!PREFIX.test(prefix)) throw new Error(`blob prefix ${JSON.stringify(prefix.slice(0, 80))} is not a valid prefix`);
    const cut = prefix.lastIndexOf("/");
    const base = cut < 0 ? "" : prefix.slice(0, cut);
    const out: BlobInfo[] = [];
    const walk = async (rel: string) => {
      let entries: import("node:fs").Dirent[];
      try {
        entries = await readdir(rel ? join(root, ...rel.split("/")) : root, { withFileTypes: true });
      } catch (err) {
        if (missing(err)) return;
        throw err;
      }
      for (const e of entries) {
        if (e.name.startsWith(".")) continue; // the writes in progress, and nothing a key can name
        const key = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) await walk(key);
        } else if (e.isFile() && key.startsWith(prefix)) {
          const s = await stat(join(root, ...key.split("/"))).catch((err: unknown) => (missing(err) ? null : Promise.reject(err)));
          if (s) out.push({ key, size: s.size });
        }
      }
    };
    await walk(base);
    return out;
  };

  /** A finished write in `.tmp` renamed to its key's path. */
  const commit = async (tmp: string, path: string) => {
    // A delete of the job's last other blob may remove the directory between mkdir and rename: once more.
    const dir = dirname(path);
    for (let attempt = 0; ; attempt++) {
      try {
        if (attempt > 0 || !made.has(dir)) {
          mkdirSync(dir, { recursive: true, mode: 0o700 });
          madeDir(dir);
        }
        renameSync(tmp, path);
        return;
      } catch (err) {
        made.delete(dir);
        if (!missing(err) || attempt >= 3) {
          await unlinkQuietly(tmp);
          throw asDiskFull(err);
        }
      }
    }
  };

  return {
    async put(key, body) {
      const path = pathOf(key);
      const tmp = join(tmpDir, randomUUID());
      let fd: number;
      try {
        fd = openSync(tmp, "wx", 0o600);
      } catch (err) {
        throw asDiskFull(err);
      }
      let size = 0;
      let opened = true;
      try {
        if (body instanceof Uint8Array) {
          await writeAll(fd, body);
          size = body.length;
        } else {
          for await (const piece of body as AsyncIterable<Uint8Array>) {
            await writeAll(fd, piece);
            size += piece.length;
          }
        }
        opened = false; // a failed close has closed it too: never twice (the number may be another file's by then)
        closeSync(fd);
      } catch (err) {
        if (opened) closeQuietly(fd);
        await unlinkQuietly(tmp);
        throw asDiskFull(err);
      }
      await commit(tmp, path);
      return { key, size };
    },
    async get(key) {
      // Through the pool, as a FileHandle: a stream its reader drops without cancelling (a media
      // download cut off) still has its file closed when the handle is collected. Not on a job's path.
      let fh: FileHandle;
      try {
        fh = await open(pathOf(key), "r");
      } catch (err) {
        if (missing(err)) return null;
        throw err;
      }
      return new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            try {
              const buf = new Uint8Array(READ_SIZE);
              const { bytesRead } = await fh.read(buf, 0, READ_SIZE, null);
              if (bytesRead === 0) {
                await fh.close();
                controller.close();
              } else controller.enqueue(bytesRead === READ_SIZE ? buf : buf.subarray(0, bytesRead));
            } catch (err) {
              await fh.close().catch(() => {});
              controller.error(err);
            }
          },
          async cancel() {
            await fh.close().catch(() => {});
          },
        },
        { highWaterMark: 0 },
      );
    },
    async putFile(key, source, opts) {
      const path = pathOf(key);
      const tmp = join(tmpDir, randomUUID());
      let size: number;
      try {
        // Moved when the caller gives the file away and it lies on this disk (EXDEV: another one, copied).
        let moved = false;
        if (opts?.move) {
          try {
            renameSync(source, tmp);
            moved = true;
          } catch (err) {
            if (code(err) !== "EXDEV") throw err;
          }
        }
        if (!moved) await cloneNew(source, tmp);
        chmodSync(tmp, 0o600); // a copy took the source's mode, a moved file keeps its own
        ({ size } = statSync(tmp));
      } catch (err) {
        await unlinkQuietly(tmp);
        throw asDiskFull(err);
      }
      await commit(tmp, path);
      return { key, size };
    },
    async getFile(key, dest) {
      try {
        // In the pool: an upload may be gigabytes.
        await copyFile(pathOf(key), dest, constants.COPYFILE_FICLONE);
        return true;
      } catch (err) {
        // Missing: the blob, or the destination's directory (ours to report, not "no such blob").
        if (missing(err) && !(await stat(pathOf(key)).catch(() => null))) return false;
        throw err;
      }
    },
    async copy(from, to) {
      const source = pathOf(from);
      const path = pathOf(to);
      const tmp = join(tmpDir, randomUUID());
      // A second name for the same file: blobs are never written in place (a put renames a new
      // file over the key), so the two keys stay independent. Where links are refused, a copy.
      // (A link in .tmp keeps the blob's mtime; only a store opened meanwhile sweeps .tmp, by age, and
      // the link lives there for the moment between link and rename.)
      let size: number;
      try {
        try {
          linkSync(source, tmp);
        } catch (err) {
          if (!LINK_REFUSED.has(code(err) ?? "")) throw err;
          await cloneNew(source, tmp);
        }
        ({ size } = statSync(tmp));
      } catch (err) {
        await unlinkQuietly(tmp);
        if (missing(err)) return null;
        throw asDiskFull(err);
      }
      await commit(tmp, path);
      return { key: to, size };
    },
    async getBytes(key, alloc) {
      let fd: number;
      try {
        fd = openSync(pathOf(key), "r");
      } catch (err) {
        if (missing(err)) return null;
        throw err;
      }
      try {
        // A stored blob does not change (puts rename a new file into place), so its size holds.
        const { size } = fstatSync(fd);
        const out = alloc ? sizedArray(alloc, size) : new Uint8Array(size);
        await readAll(fd, out, 0, `blob ${key}`);
        return out;
      } finally {
        closeQuietly(fd);
      }
    },
    async stat(key) {
      try {
        const s = statSync(pathOf(key));
        return s.isFile() ? { key, size: s.size } : null;
      } catch (err) {
        if (missing(err)) return null;
        throw err;
      }
    },
    delete: remove,
    deleteMany: removeAll,
    list,
    async deletePrefix(prefix) {
      return await removeAll((await list(prefix)).map((b) => b.key));
    },
    async close() {},
  };
}

/** Removes writes in progress that a process which died mid-put left behind (no live put goes an hour without writing). */
async function sweepStaleTmp(tmpDir: string) {
  const now = Date.now();
  for (const name of await readdir(tmpDir).catch(() => [] as string[])) {
    const path = join(tmpDir, name);
    const s = await stat(path).catch(() => null);
    if (s && now - s.mtimeMs > STALE_TMP_MS) await unlink(path).catch(() => {});
  }
}
