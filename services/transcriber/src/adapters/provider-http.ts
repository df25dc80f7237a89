import { open, stat } from "node:fs/promises";
import { PermanentError } from "@mp4t/contracts";

/**
 * Refuses a chunk bigger than the provider's per-request limit (OpenAI: 25 MB) before sending it.
 * Our 30 s, 16 kHz mono chunks are about 1 MB, so this only trips on a misconfigured planner.
 */
export async function assertUploadSize(engine: string, path: string, maxBytes: number): Promise<number> {
  const { size } = await stat(path);
  if (size > maxBytes) {
    throw new PermanentError(
      "ENGINE_REJECTED",
      `the chunk is ${(size / 1e6).toFixed(1)} MB but ${engine} accepts at most ${(maxBytes / 1e6).toFixed(1)} MB per request; lower CHUNK_MAX_SEC`,
    );
  }
  return size;
}

/** Duration in seconds of a PCM WAV, read from its header (fmt byte rate, data size). */
export async function wavDurationSec(path: string): Promise<number> {
  const fh = await open(path, "r");
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const { size } = await fh.stat();
    if (bytesRead < 12 || head.toString("ascii", 0, 4) !== "RIFF") return 0;
    let byteRate = 0;
    for (let at = 12; at + 8 <= bytesRead; ) {
      const id = head.toString("ascii", at, at + 4);
      const len = head.readUInt32LE(at + 4);
      if (id === "fmt ") byteRate = head.readUInt32LE(at + 16);
      if (id === "data") return byteRate > 0 ? Math.min(len, size - at - 8) / byteRate : 0;
      at += 8 + len + (len % 2);
    }
    return 0;
  } finally {
    await fh.close();
  }
}

/** ISO 639-1 code providers take ("en-GB" -> "en"). */
export const primaryLanguage = (lang: string) => lang.split(/[-_]/)[0]!.toLowerCase();
