import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job, Transcript } from "@mp4t/contracts";
import { tokenize } from "@mp4t/stores";
import { librivoxClips, makeLibrivoxMp4 } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login, startSystem, type RunningSystem } from "./system.ts";

type Hit = { jobId: string; fileName: string; segmentIndex: number; start: number; end: number; speaker?: string; snippet: string };
type Page = { items: Hit[]; next: string | null };

/**
 * Search, speaker names and corrections against the running system (`scripts/start.mjs`, as `npm
 * start`): a real LibriVox recording goes through the pipeline, then the API finds, names and
 * corrects it. `env` picks the stores (and with them the search index).
 */
export function transcriptsScenario(name: string, setup: () => Promise<{ env: Record<string, string>; stop(): Promise<void> }>) {
  describe(`transcripts: search, speaker names, corrections with history (running system, ${name})`, () => {
    let sys: RunningSystem;
    let media: string;
    let stores: { stop(): Promise<void> } | undefined;
    beforeAll(async () => {
      media = await mkdtemp(join(tmpdir(), "mp4t-media-"));
      const s = await setup();
      stores = s;
      sys = await startSystem(s.env);
    }, 120_000);
    afterAll(async () => {
      const code = await sys?.stop();
      await stores?.stop();
      await rm(media, { recursive: true, force: true });
      expect(code).toBe(0);
    }, 60_000);

    const register = async (email: string) => {
      const password = "heron-quarry-violet-1847";
      expect((await api(sys.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email, password }) })).status).toBe(201);
      return login(sys.url, email, password);
    };
    const search = async (token: string, q: string) => {
      const r = await api<Page>(sys.url, `/v1/search?q=${encodeURIComponent(q)}&limit=50`, { token });
      expect(r.status, r.text).toBe(200);
      return r.body;
    };
    const until = async <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 240_000): Promise<T> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = await read();
        if (ok(v)) return v;
        if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v).slice(0, 500)}\n${sys.output()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };

    it("finds a LibriVox phrase at its second, only for its owner; names speakers in every format; corrects with versions; forgets a deleted job", async () => {
      const alice = await register("alice@transcripts.test");
      const bob = await register("bob@transcripts.test");
      const { path } = await makeLibrivoxMp4(media);
      const form = new FormData();
      form.append("file", new Blob([await readFile(path)], { type: "video/mp4" }), "sense-and-sensibility.mp4");
      const created = await api<Job>(sys.url, "/v1/jobs", { method: "POST", body: form, token: alice });
      expect(created.status).toBe(202);
      const jobId = created.body.id;
      const job = await until(
        "job completed",
        async () => (await api<Job>(sys.url, `/v1/jobs/${jobId}`, { token: alice })).body,
        (j) => j.status !== "queued" && j.status !== "processing",
      );
      expect(job.status, JSON.stringify(job.error)).toBe("completed");
      const completedAt = Date.now();
      const v1 = (await api<Transcript>(sys.url, `/v1/jobs/${jobId}/transcript`, { token: alice })).body;

      // Where each clip lies in the recording (clips joined with 1 s of silence), and a phrase of
      // the reference text the engine heard right: three consecutive reference words inside one segment.
      const clips = await librivoxClips();
      let offset = 0;
      const layout = clips.map((c) => {
        const at = { ...c, from: offset, to: offset + c.durationSec };
        offset += c.durationSec + 1;
        return at;
      });
      let phrase: { words: string[]; clip: (typeof layout)[number]; segment: number } | undefined;
      for (const clip of layout) {
        const ref = tokenize(clip.reference); // as the index tokenizes (normaliseWords would expand "mr" to "mister")
        for (const [i, s] of v1.segments.entries()) {
          if (phrase || s.start < clip.from - 1 || s.end > clip.to + 1) continue;
          const heard = ` ${tokenize(s.text).join(" ")} `;
          for (let k = 0; k + 3 <= ref.length && !phrase; k++) {
            const words = ref.slice(k, k + 3);
            if (heard.includes(` ${words.join(" ")} `) && words.some((w) => w.length > 3)) phrase = { words, clip, segment: i };
          }
        }
      }
      expect(phrase, `no reference phrase heard right in ${JSON.stringify(v1.segments.map((s) => s.text))}`).toBeDefined();
      const q = `"${phrase!.words.join(" ")}"`;

      // Searchable within seconds of completion, in the right job at the right second.
      const found = await until(
        "phrase searchable",
        () => search(alice, q),
        (p) => p.items.length > 0,
        10_000,
      );
      console.log(`[transcripts: ${name}] ${q} searchable ${Date.now() - completedAt} ms after completion was seen`);
      const hit = found.items.find((h) => h.jobId === jobId && h.segmentIndex === phrase!.segment);
      expect(hit).toMatchObject({ fileName: "sense-and-sensibility.mp4", snippet: expect.stringContaining("**") });
      expect(hit!.start).toBeGreaterThanOrEqual(phrase!.clip.from - 1);
      expect(hit!.end).toBeLessThanOrEqual(phrase!.clip.to + 1);
      expect((await search(bob, q)).items).toEqual([]);

      // A correction: version 2; version 1 unchanged; a stale If-Match is 412.
      const seg = v1.segments[phrase!.segment]!;
      const corrected = `${seg.text.replace(/[.!?]$/, "")} quixotic marmalade.`;
      const patch = (ifMatch?: string) =>
        api<{ version: number }>(sys.url, `/v1/jobs/${jobId}/transcript`, {
          method: "PATCH",
          token: alice,
          body: JSON.stringify({ segments: [{ index: phrase!.segment, text: corrected }] }),
          headers: ifMatch ? { "if-match": ifMatch } : {},
        });
      expect((await patch()).status).toBe(428);
      const edited = await patch('"v1"');
      expect(edited.status, edited.text).toBe(200);
      expect(edited.body.version).toBe(2);
      const stale = await patch('"v1"');
      expect(stale.status).toBe(412);
      expect(stale.body).toMatchObject({ error: { code: "TRANSCRIPT_CHANGED" } });
      expect((await api<Transcript>(sys.url, `/v1/jobs/${jobId}/transcript?version=1`, { token: alice })).body).toEqual(v1);
      const v2 = await api<Transcript>(sys.url, `/v1/jobs/${jobId}/transcript`, { token: alice });
      expect(v2.headers.get("etag")).toBe('"v2"');
      expect(v2.body.segments[phrase!.segment]!.text).toBe(corrected);
      expect((await search(alice, "quixotic marmalade")).items).toMatchObject([{ jobId, segmentIndex: phrase!.segment }]);

      // Replacing words: the corrected ones are found, the replaced ones no longer.
      const replaced = `${seg.text.split(" ").slice(0, 1).join(" ")} zanzibar vellum.`;
      const second = await api(sys.url, `/v1/jobs/${jobId}/transcript`, {
        method: "PATCH",
        token: alice,
        headers: { "if-match": '"v2"' },
        body: JSON.stringify({ segments: [{ index: phrase!.segment, text: replaced }] }),
      });
      expect(second.status, second.text).toBe(200);
      expect((await search(alice, "zanzibar vellum")).items).toMatchObject([{ jobId, segmentIndex: phrase!.segment }]);
      expect((await search(alice, "quixotic")).items).toEqual([]);
      expect((await search(alice, q)).items.filter((h) => h.jobId === jobId && h.segmentIndex === phrase!.segment)).toEqual([]);

      // Speaker names in every format and in search.
      const label = seg.speaker ?? v1.speakers[0] ?? "Speaker 1";
      const renamed = await api<{ version: number }>(sys.url, `/v1/jobs/${jobId}/speakers`, {
        method: "PUT",
        token: alice,
        body: JSON.stringify({ [label]: "Jane Austen" }),
      });
      expect(renamed.status, renamed.text).toBe(200);
      expect(renamed.body.version).toBe(4);
      for (const format of ["json", "txt", "srt", "vtt", "md"]) {
        const r = await api(sys.url, `/v1/jobs/${jobId}/transcript?format=${format}`, { token: alice });
        expect(r.text, format).toContain(format === "vtt" ? "<v Jane Austen>" : "Jane Austen");
      }
      expect((await search(alice, "zanzibar")).items[0]).toMatchObject({ speaker: "Jane Austen" });

      // Re-run an enhancement on the current version through the pipeline: version 5.
      const enhance = await api(sys.url, `/v1/jobs/${jobId}/enhance`, { method: "POST", token: alice, body: JSON.stringify({ kinds: ["summary"] }) });
      expect(enhance.status, enhance.text).toBe(202);
      const versions = await until(
        "enhanced version",
        async () =>
          (await api<{ current: number; items: { version: number; kind: string }[] }>(sys.url, `/v1/jobs/${jobId}/transcript/versions`, { token: alice })).body,
        (v) => v.current >= 5,
        60_000,
      );
      expect(versions.items.map((v) => v.kind)).toEqual(["engine", "edit", "edit", "speakers", "enhance"]);
      expect((await api<Transcript>(sys.url, `/v1/jobs/${jobId}/transcript`, { token: alice })).body.enhancements.summary).toBeTruthy();

      // Deleted: gone from search.
      expect((await api(sys.url, `/v1/jobs/${jobId}`, { method: "DELETE", token: alice })).status).toBe(204);
      expect((await search(alice, "zanzibar")).items).toEqual([]);
    }, 400_000);
  });
}
