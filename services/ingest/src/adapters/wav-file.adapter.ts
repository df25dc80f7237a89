import { createReadStream, createWriteStream } from "node:fs";
import { open, writeFile } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { WAV_HEADER_BYTES, wavHeader, type PcmFormat } from "../wav-header.writer.ts";

/** Creates `path` holding only a zeroed header, to be filled in once the data size is known. */
export async function createWavPlaceholder(path: string): Promise<void> {
  await writeFile(path, Buffer.alloc(WAV_HEADER_BYTES));
}

/** Writes the final header at the start of a WAV whose data has been written after it. */
export async function finishWavHeader(path: string, dataBytes: number, format: PcmFormat): Promise<void> {
  const fh = await open(path, "r+");
  try {
    await fh.write(wavHeader(dataBytes, format), 0, WAV_HEADER_BYTES, 0);
  } finally {
    await fh.close();
  }
}

/** Copies data bytes [start, end) of a canonical WAV into a new WAV of its own. */
export async function sliceWav(source: string, dest: string, range: { start: number; end: number }, format: PcmFormat): Promise<void> {
  const length = range.end - range.start;
  await writeFile(dest, wavHeader(length, format));
  if (length === 0) return;
  await pipeline(
    createReadStream(source, { start: WAV_HEADER_BYTES + range.start, end: WAV_HEADER_BYTES + range.end - 1 }),
    createWriteStream(dest, { flags: "a" }),
  );
}
