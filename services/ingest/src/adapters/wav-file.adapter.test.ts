import { closeSync, openSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PCM_16K_MONO, WAV_HEADER_BYTES, wavHeader } from "../wav-header.writer.ts";
import { readWavSlice } from "./wav-file.adapter.ts";

let dir: string;
let path: string;
let fd: number;
const data = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 13) % 256);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mp4t-wav-slice-"));
  path = join(dir, "audio.wav");
  await writeFile(path, Buffer.concat([wavHeader(data.length, PCM_16K_MONO), data]));
  fd = openSync(path, "r");
});
afterAll(async () => {
  closeSync(fd);
  await rm(dir, { recursive: true, force: true });
});

const expected = (start: number, end: number) => Buffer.concat([wavHeader(end - start, PCM_16K_MONO), data.subarray(start, end)]);

describe("readWavSlice", () => {
  it("cuts a range out as a WAV of its own, into one buffer reused chunk after chunk", async () => {
    const scratch = new Uint8Array(WAV_HEADER_BYTES + 6000);
    const first = await readWavSlice(fd, { start: 0, end: 6000 }, PCM_16K_MONO, scratch);
    expect(Buffer.from(first).equals(expected(0, 6000))).toBe(true);
    expect(first.buffer).toBe(scratch.buffer);
    const second = await readWavSlice(fd, { start: 6000, end: 10_000 }, PCM_16K_MONO, scratch);
    expect(Buffer.from(second).equals(expected(6000, 10_000))).toBe(true);
    expect(second.buffer).toBe(scratch.buffer);
  });

  it("makes its own buffer when the one given is too small, and refuses a range past the end", async () => {
    const small = new Uint8Array(100);
    const slice = await readWavSlice(fd, { start: 2000, end: 8000 }, PCM_16K_MONO, small);
    expect(slice.buffer).not.toBe(small.buffer);
    expect(Buffer.from(slice).equals(expected(2000, 8000))).toBe(true);
    await expect(readWavSlice(fd, { start: 9000, end: 12_000 }, PCM_16K_MONO)).rejects.toThrow(/the audio file ends at byte 10044, before byte 12044/);
  });
});
