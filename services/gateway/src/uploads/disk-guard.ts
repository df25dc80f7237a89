import { stat, statfs } from "node:fs/promises";
import { AppError } from "@mp4t/contracts";
import type { FastifyBaseLogger } from "fastify";

/** A place an upload's bytes land: how much room it has left, and which file system it is on. */
export type DiskPlace = { name: string; freeBytes(): Promise<number>; device(): Promise<number> };

/** Bytes an upload will still write to each place (a resumable upload: its rest to scratch, then all of it to the blobs). */
export type DiskNeed = { blobs?: number; scratch?: number };

export type DiskGuard = {
  /**
   * Refuses (503 STORAGE_FULL) an upload whose bytes, with those of the uploads already in
   * progress, would leave less than the reserve free on any disk it writes to; places on one
   * file system are counted together. Resolves to the release of this upload's share, told what
   * it wrote (by default all it was admitted for): those bytes are taken off the disk's reading
   * until the next reading, at most a second later, shows them.
   */
  admit(need: DiskNeed): Promise<(wrote?: DiskNeed) => void>;
  /** Each place's free bytes (the metrics scrape), from the same once-a-second reading. */
  read(): Promise<{ place: string; freeBytes: number }[]>;
};

/** One statfs per place per second at most, however many uploads arrive. */
const CACHE_MS = 1000;
/** One warning per place per minute while uploads are refused. */
const WARN_EVERY_MS = 60_000;

/** The free bytes and device of the file system holding `dir` (what an unprivileged writer may use). */
export const dirPlace = (name: string, dir: string): DiskPlace => ({
  name,
  freeBytes: async () => {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  },
  device: async () => (await stat(dir)).dev,
});

/** The guard's refusal, told apart from a write that hit a full disk (that one is logged at error level). */
export class ReserveRefusal extends AppError {
  constructor() {
    super("STORAGE_FULL");
  }
}

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
  /**
   * Bytes released (written, or never to be) since each place's reading was taken: the reading
   * does not show those written, so they are taken off it until the next one.
   */
  const landed = new Map<string, number>();
  const warned = new Map<string, number>();
  /** Bytes admitted and not yet released, by file system. */
  const inFlight = new Map<number, number>();
  const devices = new Map<string, Promise<number | null>>();
  const deviceOf = (place: DiskPlace) => {
    let d = devices.get(place.name);
    if (!d) devices.set(place.name, (d = place.device().catch(() => null)));
    return d;
  };
  const freeOf = (place: DiskPlace) => {
    const now = performance.now();
    const hit = seen.get(place.name);
    if (hit && now - hit.at < CACHE_MS) return hit.free;
    const free = place.freeBytes().catch((err: unknown) => {
      opts.logger.warn({ err, place: place.name }, "could not read the free disk space");
      return null;
    });
    seen.set(place.name, { at: now, free });
    landed.delete(place.name);
    return free;
  };
  const refuse = (place: DiskPlace, free: number, needBytes: number) => {
    const now = performance.now();
    if (now - (warned.get(place.name) ?? Number.NEGATIVE_INFINITY) >= WARN_EVERY_MS) {
      warned.set(place.name, now);
      opts.logger.error(
        { place: place.name, freeBytes: free, neededBytes: needBytes, minFreeBytes: opts.minFreeBytes },
        "refusing uploads: the disk is nearly full (UPLOAD_MIN_FREE_BYTES)",
      );
    }
    return new ReserveRefusal();
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
    async admit(need) {
      if (opts.minFreeBytes <= 0) return () => undefined;
      // What this upload writes, per file system (scratch and blobs share one under `npm start`).
      const byDevice = new Map<number, { place: DiskPlace; bytes: number }>();
      const parts: { dev: number; kind: keyof DiskNeed }[] = [];
      for (const [kind, place] of [
        ["blobs", opts.blobs],
        ["scratch", opts.scratch],
      ] as const) {
        const bytes = need[kind];
        if (!place || bytes === undefined) continue;
        const dev = (await deviceOf(place)) ?? -byDevice.size - 1; // unknown device: counted on its own
        const entry = byDevice.get(dev);
        byDevice.set(dev, { place: entry?.place ?? place, bytes: (entry?.bytes ?? 0) + Math.max(0, bytes) });
        parts.push({ dev, kind });
      }
      const readings = await Promise.all([...byDevice].map(async ([dev, e]) => ({ dev, ...e, free: await freeOf(e.place) })));
      // From here to the reservation nothing awaits, so two uploads cannot both take the last room.
      for (const { dev, place, bytes, free } of readings) {
        if (free === null) continue;
        const pending = (inFlight.get(dev) ?? 0) + (landed.get(place.name) ?? 0);
        if (free - pending - bytes < opts.minFreeBytes) throw refuse(place, free, bytes + pending);
      }
      for (const [dev, { bytes }] of byDevice) inFlight.set(dev, (inFlight.get(dev) ?? 0) + bytes);
      let released = false;
      return (wrote = need) => {
        if (released) return;
        released = true;
        for (const [dev, { bytes }] of byDevice) inFlight.set(dev, (inFlight.get(dev) ?? 0) - bytes);
        // What it wrote is on the disk now, which the reading it was admitted on does not show: taken
        // off that reading until the next one (at most a second later) shows the disk as it is.
        for (const { dev, kind } of parts) {
          const place = byDevice.get(dev)!.place;
          const bytes = Math.max(0, wrote[kind] ?? 0);
          if (bytes > 0 && seen.has(place.name)) landed.set(place.name, (landed.get(place.name) ?? 0) + bytes);
        }
      };
    },
  };
}
