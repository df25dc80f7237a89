import { PermanentError } from "@mp4t/contracts";

/**
 * Refuses a chunk bigger than the provider's per-request limit (OpenAI: 25 MB) before sending it.
 * Our 30 s, 16 kHz mono chunks are about 1 MB, so this only trips on a misconfigured planner.
 */
export function assertUploadSize(engine: string, wav: Uint8Array, maxBytes: number): void {
  const size = wav.length;
  if (size > maxBytes) {
    throw new PermanentError(
      "ENGINE_REJECTED",
      `the chunk is ${(size / 1e6).toFixed(1)} MB but ${engine} accepts at most ${(maxBytes / 1e6).toFixed(1)} MB per request; lower CHUNK_MAX_SEC`,
    );
  }
}

/** Duration in seconds of a PCM WAV, read from its header (fmt byte rate, data size). */
export function wavDurationSec(wav: Uint8Array): number {
  const head = Buffer.from(wav.buffer, wav.byteOffset, Math.min(wav.length, 4096));
  if (head.length < 12 || head.toString("ascii", 0, 4) !== "RIFF") return 0;
  let byteRate = 0;
  for (let at = 12; at + 8 <= head.length; ) {
    const id = head.toString("ascii", at, at + 4);
    const len = head.readUInt32LE(at + 4);
    if (id === "fmt ") byteRate = head.readUInt32LE(at + 16);
    if (id === "data") return byteRate > 0 ? Math.min(len, wav.length - at - 8) / byteRate : 0;
    at += 8 + len + (len % 2);
  }
  return 0;
}

/** ISO 639-1 code providers take ("en-GB" -> "en"). */
export const primaryLanguage = (lang: string) => lang.split(/[-_]/)[0]!.toLowerCase();
