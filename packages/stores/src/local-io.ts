import { closeSync, read as readCb, readSync, write as writeCb, writeSync } from "node:fs";
import { promisify } from "node:util";

/**
 * Reads and writes up to this size are made in the calling thread, as are the calls on names
 * (open, close, mkdir, rename, link, rmdir, stat); larger reads and writes, whole-file copies and
 * unlinks (freeing a large file's blocks), go to libuv's thread pool. On a local disk such a call is a system call of a few
 * microseconds (1.5 us for a stat here), while through the pool it cost about 30 us of CPU (65 us
 * an open and close): the hand-off to a pool thread and the wake-up of the event loop, on every
 * call, and a job makes over a hundred of them. The longest wait this puts on the event loop is a
 * 4 MiB copy within the page cache (about a millisecond). For files on the machine's own disk:
 * the file blob store (a slow or network filesystem wants S3) and the services' scratch files.
 */
export const INLINE_BYTES = 4 * 1024 * 1024;
const readAsync = promisify(readCb);
const writeAsync = promisify(writeCb);

/** Writes all of `bytes` at the file's position: in this thread when small, else in the pool. */
export async function writeAll(fd: number, bytes: Uint8Array) {
  if (bytes.length <= INLINE_BYTES) {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
  } else {
    for (let at = 0; at < bytes.length; ) at += (await writeAsync(fd, bytes, at, bytes.length - at)).bytesWritten;
  }
}

/** Fills `out` from the file's byte `from` on; a file that ends sooner is an error naming `what`. */
export async function readAll(fd: number, out: Uint8Array, from: number, what: string) {
  const inline = out.length <= INLINE_BYTES;
  for (let got = 0; got < out.length; ) {
    const n = inline ? readSync(fd, out, got, out.length - got, from + got) : (await readAsync(fd, out, got, out.length - got, from + got)).bytesRead;
    if (n === 0) throw new Error(`${what} ends at byte ${from + got}, before byte ${from + out.length}`);
    got += n;
  }
}

/** Closes a descriptor whose failure no longer matters (an error path). */
export const closeQuietly = (fd: number) => {
  try {
    closeSync(fd);
  } catch {}
};
