/**
 * Blobs written to a file blob store (BLOB_STORE=file), seen through inotify (`fs.watch` on each
 * directory, not recursive): a put renames its file into place, and the rename's event is read
 * at once, the file's size with it (a job's blobs stay until its cleanup, seconds later). A
 * directory is watched as soon as its own creation is seen, and listed once then, for what was
 * put in it before the watch began. Listing the whole tree every 50 ms, as this did before, saw
 * 5.7-7.3 of the 12 blobs a job of four chunks writes (the upload, the audio, four chunks and
 * their four results, the diarized and the final transcript), fewer as finished jobs piled up
 * and each listing took longer; Node's recursive `fs.watch` misses files put in a directory made
 * a moment before (half of them, tried).
 * Reads leave no trace on disk; the NATS Object Store runs of this bench (`<layout>:nats` in
 * BENCH_MODES) count each blob read once, with the same bytes as written, and the floor reads
 * each file back once. Files already there when the watch starts (an earlier round's finished
 * jobs keep their transcripts) are not counted.
 */
import { type FSWatcher, lstatSync, readdirSync, watch } from "node:fs";
import { basename, join, relative } from "node:path";

/** A blob written: its path under the store's root (`jobs/<id>/...`) and its size. */
export type BlobFile = { path: string; size: number };

export async function watchBlobFiles(root: string) {
  const sizes = new Map<string, number>();
  const before = new Set<string>();
  /** The directories watched now, by path. */
  const watchers = new Map<string, FSWatcher>();
  /** Every directory ever watched: its removal, reported by its parent after its own watch ended, is no lost blob. */
  const seenDirs = new Set<string>();
  let on = true;
  let missed = 0;
  let unwatched = 0;
  /** A directory removed: its watch ends, and one made again at the path is watched anew. */
  const forget = (path: string) => {
    watchers.get(path)?.close();
    watchers.delete(path);
  };

  const entry = (parent: string, name: string, existing: boolean) => {
    if (!on || name.startsWith(".")) return; // the store's .tmp: files on their way to a key
    const path = join(parent, name);
    const rel = relative(root, path);
    let s: ReturnType<typeof lstatSync>;
    try {
      s = lstatSync(path);
    } catch {
      // Gone already: a delete of what was counted, a directory removed (its own watch names it
      // when it goes), or a blob not seen in time.
      const self = name === basename(parent);
      if (self) forget(parent);
      if (watchers.has(path)) forget(path);
      else if (!existing && !self && !sizes.has(rel) && !before.has(rel) && !seenDirs.has(path)) missed++;
      return;
    }
    if (s.isDirectory()) return void dir(path, existing);
    if (!s.isFile()) return;
    if (existing) before.add(rel);
    else if (!before.has(rel) && !sizes.has(rel)) sizes.set(rel, s.size);
  };
  const dir = (path: string, existing: boolean) => {
    if (watchers.has(path)) return;
    seenDirs.add(path);
    let w: FSWatcher;
    try {
      w = watch(path, (_event, name) => {
        if (name) entry(path, String(name), false);
      });
    } catch (err) {
      // Removed before it could be watched: nothing of this run's in it. Anything else (ENOSPC:
      // out of inotify watches) is reported at the end.
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") unwatched++;
      return;
    }
    w.on("error", () => forget(path));
    watchers.set(path, w);
    let names: string[] = [];
    try {
      names = readdirSync(path);
    } catch {
      /* removed meanwhile */
    }
    for (const name of names) entry(path, name, existing);
  };
  dir(root, true);
  return {
    /** Stops and resolves every blob's path and size, in the order first seen. */
    async stop(): Promise<BlobFile[]> {
      await new Promise((r) => setTimeout(r, 100)); // the last events
      on = false;
      for (const w of watchers.values()) w.close();
      if (missed > 0) console.log(`[overhead] blob files: ${missed} named by an event but gone before their size was read (left out)`);
      if (unwatched > 0) console.log(`[overhead] WARNING: blob files: ${unwatched} directories could not be watched; their blobs are not counted`);
      return [...sizes].map(([path, size]) => ({ path, size }));
    },
  };
}
