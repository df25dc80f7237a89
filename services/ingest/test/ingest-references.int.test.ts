import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobKeys, Subjects } from "@mp4t/contracts";
import { makeReferenceAttacks, type ReferenceAttackKit } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeOnce, startHarness, type Harness } from "./ingest-harness.ts";

/**
 * Issue 17: an upload that is a playlist, manifest or concat script naming a file of the
 * server's must fail with MEDIA_REFERENCE_NOT_ALLOWED, and nothing of that file (its words, the
 * marker) may reach the job, its events, its blobs or the transcription lane.
 */
let h: Harness;
let secretRoot: string;
let kit: ReferenceAttackKit;
beforeAll(async () => {
  // Made before the harness points TMPDIR at its scratch root. World-readable on purpose: the
  // guard must hold even for files anyone may read.
  secretRoot = await mkdtemp(join(tmpdir(), "mp4t-secret-"));
  h = await startHarness();
  await chmod(secretRoot, 0o755);
  kit = await makeReferenceAttacks(join(secretRoot, "srv"), join(h.mediaDir, "attacks"));
});
afterAll(async () => {
  await h?.close();
  if (secretRoot) await rm(secretRoot, { recursive: true, force: true });
});

/** Non-zero bytes of PCM plain ffmpeg (none of our guards; `flags` before the input) decodes. */
function unguardedDecode(path: string, flags: string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("ffmpeg", ["-hide_banner", "-nostdin", "-v", "quiet", ...flags, "-i", path, "-f", "s16le", "-"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    let bytes = 0;
    child.stdout.on("data", (d: Buffer) => (bytes += d.reduce((n, x) => n + (x === 0 ? 0 : 1), 0)));
    child.once("error", reject);
    child.once("close", () => resolve(bytes));
  });
}

describe("playlist and reference uploads", () => {
  it("are real attacks: plain ffmpeg decodes the secret recording from the live ones", async () => {
    const live = kit.attacks.filter((a) => a.live);
    expect(live.length).toBeGreaterThanOrEqual(4);
    for (const a of live) expect(await unguardedDecode(a.path), a.name).toBeGreaterThan(16_000);
    // The MOV is silence of its own; with data references followed, it plays the secret.
    const dref = kit.attacks.find((a) => a.name === "mov-dref")!.path;
    expect(await unguardedDecode(dref)).toBe(0);
    expect(await unguardedDecode(dref, ["-enable_drefs", "1", "-use_absolute_path", "1"])).toBeGreaterThan(16_000);
  });

  it("each fails the job with MEDIA_REFERENCE_NOT_ALLOWED and leaks nothing", async () => {
    for (const attack of kit.attacks) {
      const ref = await h.newJob(attack.path, { fileName: "innocent.mp4" });
      const events: string[] = [];
      const sub = h.nc.subscribe(Subjects.jobEvents(ref.jobId), { callback: (_e, m) => void events.push(m.string()) });
      await h.ingest(ref);
      await h.nc.flush();
      sub.unsubscribe();

      const job = (await h.jobs.getJob(ref))!;
      expect(job.status, attack.name).toBe("failed");
      expect(job.error?.code, attack.name).toBe("MEDIA_REFERENCE_NOT_ALLOWED");
      expect(job.media, attack.name).toBeUndefined();
      expect(
        events.some((e) => e.includes("MEDIA_REFERENCE_NOT_ALLOWED")),
        attack.name,
      ).toBe(true);
      const seen = [JSON.stringify(job), ...events].join("\n");
      expect(seen).not.toContain(kit.marker);
      expect(seen).not.toContain(secretRoot);
      for (const w of kit.spokenWords) expect(seen.toLowerCase()).not.toContain(w);
      expect(await h.blobs.stat(BlobKeys.audio(ref.jobId)), attack.name).toBeNull();
      expect(
        (await h.takeTranscribeCommands()).filter((c) => c.jobId === ref.jobId),
        attack.name,
      ).toEqual([]);
      expect(
        (await h.takeCleanupCommands()).filter((c) => c.jobId === ref.jobId).map((c) => c.reason),
        attack.name,
      ).toEqual(["rejected"]);
    }
    expect(await h.scratchLeft()).toEqual([]);
  });
});

describe("each guard holds on its own", () => {
  const attack = (name: string) => kit.attacks.find((a) => a.name === name)!.path;

  /** One ffmpeg run on the attack `name`, outside the handler. */
  const decodeAttack = (name: string) => decodeOnce(attack(name), join(h.mediaDir, `${name}.pcm`));

  it("ffmpeg's format allow-list refuses a playlist the text sniff lets through (a NUL inside)", async () => {
    const { err } = await decodeAttack("hls-with-nul");
    expect(err).toMatchObject({ name: "PermanentError", code: "MEDIA_REFERENCE_NOT_ALLOWED" });
    expect((err.cause as Error).message).toMatch(/\[hls @ .*Format not on whitelist/);
  });

  it("a reference movie is read as mov with data references off, and its warning refuses it", async () => {
    const { err } = await decodeAttack("mov-dref");
    expect(err).toMatchObject({ name: "PermanentError", code: "MEDIA_REFERENCE_NOT_ALLOWED" });
    expect((err.cause as Error).message).toMatch(/Skipped opening external track/);
  });
});
