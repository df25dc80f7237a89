import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { readAll } from "@mp4t/stores";
import { WAV_HEADER_BYTES, wavHeader, type PcmFormat } from "../wav-header.writer.ts";

/** Creates `path` holding only a zeroed header, to be filled in once the data size is known. */
export async function createWavPlaceholder(path: string): Promise<void> {
  // Scratch files are written in this thread, as the file blob store's small ones are (@mp4t/stores local-io.ts).
  writeFileSync(path, Buffer.alloc(WAV_HEADER_BYTES));
}

/** Writes the final header at the start of a WAV whose data has been written after it. */
export async function finishWavHeader(path: string, dataBytes: number, format: PcmFormat): Promise<void> {
  const fd = openSync(path, "r+");
  try {
    writeSync(fd, wavHeader(dataBytes, format), 0, WAV_HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * Data bytes [start, end) of a canonical WAV, read from its open descriptor `fd` (one open for
 * all of a job's chunks), as a WAV of its own, in memory (a chunk: at most CHUNK_MAX_SEC of 16
 * kHz mono, under 20 MB), so it goes to the blob store in one put without a scratch file written
 * and read back. Into `into` when it is big enough (a view of it is returned): one buffer serves
 * a job's chunks one after the other, fresh memory costing a page fault per page.
 */
export async function readWavSlice(fd: number, range: { start: number; end: number }, format: PcmFormat, into?: Uint8Array): Promise<Uint8Array> {
  const length = range.end - range.start;
  const out = into && into.length >= WAV_HEADER_BYTES + length ? into.subarray(0, WAV_HEADER_BYTES + length) : new Uint8Array(WAV_HEADER_BYTES + length);
  out.set(wavHeader(length, format), 0);
  await readAll(fd, out.subarray(WAV_HEADER_BYTES), WAV_HEADER_BYTES + range.start, "the audio file");
  return out;
}
