import { describe, expect, it } from "vitest";
import { createDiskGuard, type DiskPlace } from "./disk-guard.ts";

const silent = { error: () => undefined, warn: () => undefined } as unknown as Parameters<typeof createDiskGuard>[0]["logger"];

/** A disk whose free bytes the test sets, on device `dev`. */
const place = (name: string, disk: { free: number }, dev = 1): DiskPlace => ({ name, freeBytes: async () => disk.free, device: async () => dev });

describe("disk guard", () => {
  it("holds an admitted upload's bytes until it ends, and after it against the same reading, until the disk is read again", async () => {
    const disk = { free: 10_000 };
    let reads = 0;
    const blobs = place("blobs", disk);
    const counted: DiskPlace = { ...blobs, freeBytes: () => (reads++, blobs.freeBytes()) };
    const guard = createDiskGuard({ minFreeBytes: 2_000, blobs: counted, logger: silent });
    const a = await guard.admit({ blobs: 6_000 });
    await expect(guard.admit({ blobs: 3_000 })).rejects.toMatchObject({ code: "STORAGE_FULL" }); // 10,000 - 6,000 held - 3,000 < 2,000
    disk.free = 4_000; // A's bytes arrived
    a();
    a(); // a second release changes nothing
    // The reading (10,000) is a second old at most: A's 6,000 are taken off it, as written.
    await expect(guard.admit({ blobs: 3_000 })).rejects.toMatchObject({ code: "STORAGE_FULL" });
    const b = await guard.admit({ blobs: 2_000 });
    b();
    expect(reads).toBe(1); // one statfs for all four checks, releases included
    // Past the second the disk is read again, and shows both uploads' bytes itself: nothing is taken off twice.
    await new Promise((r) => setTimeout(r, 1_050));
    disk.free = 6_000;
    (await guard.admit({ blobs: 4_000 }))();
    expect(reads).toBe(2);
  });

  it("takes off the reading only what a release says was written (nothing for a check, a part for a cut upload)", async () => {
    const disk = { free: 10_000 };
    const guard = createDiskGuard({ minFreeBytes: 2_000, blobs: place("blobs", disk), scratch: place("scratch", disk), logger: silent });
    (await guard.admit({ scratch: 4_000, blobs: 4_000 }))({}); // a resumable upload's creation: checked, nothing written
    const patch = await guard.admit({ scratch: 4_000, blobs: 4_000 }); // 10,000 - 8,000 = 2,000: still fits
    patch({ scratch: 1_000, blobs: 0 }); // a part of it arrived, and no copy
    await expect(guard.admit({ blobs: 7_001 })).rejects.toMatchObject({ code: "STORAGE_FULL" }); // 10,000 - 1,000 - 7,001 < 2,000
    (await guard.admit({ blobs: 7_000 }))(); // released without saying: all of it counted as written
    await expect(guard.admit({ blobs: 1 })).rejects.toMatchObject({ code: "STORAGE_FULL" });
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
