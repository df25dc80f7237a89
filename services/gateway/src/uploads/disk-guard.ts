import { statfs } from "node:fs/promises";
import { AppError } from "@mp4t/contracts";
import type { FastifyBaseLogger } from "fastify";

/** A place an upload's bytes land, and how to ask how much room it has left. */
export type DiskPlace = { name: string; freeBytes(): Promise<number> };

export type DiskGuard = {
  /**
   * Refuses (503 STORAGE_FULL) an upload of `incomingBytes` (0 when not declared) that would
   * leave less than the reserve free in any of `places` (the blob store's disk, and for a
   * resumable upload the scratch area too).
   */
  check(incomingBytes: number, places?: "blobs" | "all"): Promise<void>;
  /** Each place's free bytes (the metrics scrape), from the same once-a-second reading. */
  read(): Promise<{ place: string; freeBytes: number }[]>;
};

/** One statfs per place per second at most, however many uploads arrive. */
const CACHE_MS = 1000;
/** One warning per place per minute while uploads are refused. */
const WARN_EVERY_MS = 60_000;

/** The free bytes of the file system holding `dir` (what an unprivileged writer may use). */
export const dirFreeBytes = (dir: string) => async () => {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
};

/**
 * Keeps uploads from filling the disk the pipeline writes to: the reserve is what the stages
 * still need for the jobs already taken (their chunks, transcripts, NATS's own files). A
 * failed statfs refuses nothing (the write itself then fails as STORAGE_FULL if the disk is full).
 */
export function createDiskGuard(opts: {
  minFreeBytes: number;
  blobs?: DiskPlace | undefined;
  scratch?: DiskPlace | undefined;
  logger: FastifyBaseLogger;
}): DiskGuard {
  const seen = new Map<string, { at: number; free: Promise<number | null> }>();
  const warned = new Map<string, number>();
  const freeOf = (place: DiskPlace) => {
    const now = performance.now();
    const hit = seen.get(place.name);
    if (hit && now - hit.at < CACHE_MS) return hit.free;
    const free = place.freeBytes().catch((err: unknown) => {
      opts.logger.warn({ err, place: place.name }, "could not read the free disk space");
      return null;
    });
    seen.set(place.name, { at: now, free });
    return free;
  };
  return {
    async read() {
      const out: { place: string; freeBytes: number }[] = [];
      for (const place of [opts.blobs, opts.scratch]) {
        const free = place ? await freeOf(place) : null;
        if (place && free !== null) out.push({ place: place.name, freeBytes: free });
      }
      return out;
    },
    async check(incomingBytes, which = "blobs") {
      if (opts.minFreeBytes <= 0) return;
      const places = which === "all" ? [opts.blobs, opts.scratch] : [opts.blobs];
      for (const place of places) {
        if (!place) continue;
        const free = await freeOf(place);
        if (free === null || free - incomingBytes >= opts.minFreeBytes) continue;
        const now = performance.now();
        if (now - (warned.get(place.name) ?? -Infinity) >= WARN_EVERY_MS) {
          warned.set(place.name, now);
          opts.logger.error(
            { place: place.name, freeBytes: free, incomingBytes, minFreeBytes: opts.minFreeBytes },
            "refusing uploads: the disk is nearly full (UPLOAD_MIN_FREE_BYTES)",
          );
        }
        throw new AppError("STORAGE_FULL");
      }
    },
  };
}
