import { describe, expect, it } from "vitest";
import { createDiskGuard, type DiskPlace } from "./disk-guard.ts";

const silent = { error: () => undefined, warn: () => undefined } as unknown as Parameters<typeof createDiskGuard>[0]["logger"];

/** A disk whose free bytes the test sets, on device `dev`. */
const place = (name: string, disk: { free: number }, dev = 1): DiskPlace => ({ name, freeBytes: async () => disk.free, device: async () => dev });

describe("disk guard", () => {
  it("holds an admitted upload's bytes until it ends, and reads the disk again after (its bytes are written then)", async () => {
    const disk = { free: 10_000 };
    const guard = createDiskGuard({ minFreeBytes: 2_000, blobs: place("blobs", disk), logger: silent });
    const a = await guard.admit({ blobs: 6_000 });
    await expect(guard.admit({ blobs: 3_000 })).rejects.toMatchObject({ code: "STORAGE_FULL" }); // 10,000 - 6,000 held - 3,000 < 2,000
    disk.free = 4_000; // A's bytes arrived
    a();
    a(); // a second release changes nothing
    await expect(guard.admit({ blobs: 6_000 })).rejects.toMatchObject({ code: "STORAGE_FULL" });
    const b = await guard.admit({ blobs: 2_000 });
    b();
  });

  it("adds up what goes to places on one file system, and not across two", async () => {
    const disk = { free: 10_000 };
    const shared = createDiskGuard({ minFreeBytes: 1_000, blobs: place("blobs", disk), scratch: place("scratch", disk), logger: silent });
    await expect(shared.admit({ scratch: 5_000, blobs: 5_000 })).rejects.toMatchObject({ code: "STORAGE_FULL" });
    const other = { free: 10_000 };
    const apart = createDiskGuard({ minFreeBytes: 1_000, blobs: place("blobs", disk, 1), scratch: place("scratch", other, 2), logger: silent });
    (await apart.admit({ scratch: 5_000, blobs: 5_000 }))();
  });

  it("refuses nothing with a reserve of 0, or when the disk cannot be read", async () => {
    const off = createDiskGuard({ minFreeBytes: 0, blobs: place("blobs", { free: 0 }), logger: silent });
    (await off.admit({ blobs: 1e12 }))();
    const broken: DiskPlace = { name: "blobs", freeBytes: async () => Promise.reject(new Error("EIO")), device: async () => 1 };
    (await createDiskGuard({ minFreeBytes: 1_000, blobs: broken, logger: silent }).admit({ blobs: 1e12 }))();
  });
});
