import { newId } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import type { IndexedTranscript, SearchIndex } from "../search/search-index.ts";

const doc = (userId: string, texts: string[], over: Partial<IndexedTranscript> = {}): IndexedTranscript => ({
  userId,
  jobId: newId(),
  fileName: "talk.mp4",
  version: 1,
  segments: texts.map((text, i) => ({ segmentIndex: i, start: i * 5, end: i * 5 + 4, speaker: `Speaker ${(i % 2) + 1}`, text })),
  ...over,
});

/** Every SearchIndex adapter must pass this suite. `make` returns a fresh, empty index. */
export function searchIndexConformance(name: string, make: () => Promise<{ index: SearchIndex; cleanup(): Promise<void> }>) {
  describe(`SearchIndex conformance: ${name}`, () => {
    const withIndex = async (fn: (ix: SearchIndex) => Promise<void>) => {
      const { index, cleanup } = await make();
      try {
        await fn(index);
      } finally {
        await cleanup();
      }
    };
    const ids = (page: { items: { jobId: string; segmentIndex: number }[] }) => page.items.map((h) => `${h.jobId}:${h.segmentIndex}`);

    it("finds a word in the right job and segment, with times, speaker, file name and a marked snippet", () =>
      withIndex(async (ix) => {
        const d = doc("alice", ["The weather was fine.", "Elinor walked to the cottage at Barton.", "Nothing else."], { fileName: "austen.mp4" });
        await ix.upsert(d);
        await ix.upsert(doc("alice", ["Something unrelated entirely."]));
        const page = await ix.search({ userId: "alice", q: "cottage", limit: 10 });
        expect(page.items).toEqual([
          {
            jobId: d.jobId,
            fileName: "austen.mp4",
            segmentIndex: 1,
            start: 5,
            end: 9,
            speaker: "Speaker 2",
            snippet: expect.stringContaining("**cottage**"),
          },
        ]);
        expect(page.next).toBeNull();
      }));

    it("matches word forms by their stem and ignores case and diacritics", () =>
      withIndex(async (ix) => {
        const d = doc("alice", ["She was WALKING towards the Café."]);
        await ix.upsert(d);
        expect(ids(await ix.search({ userId: "alice", q: "walked", limit: 10 }))).toEqual([`${d.jobId}:0`]);
        expect(ids(await ix.search({ userId: "alice", q: "cafe", limit: 10 }))).toEqual([`${d.jobId}:0`]);
      }));

    // Prefixes match word stems (Porter), as FTS5's porter tokenizer does: "cott*" finds "cottages"
    // (stem "cottag"), "bol*" finds "boldly" (stem "boldli"); a prefix longer than a word's stem does not.
    it("requires every word, keeps phrases in order and matches prefixes of stems", () =>
      withIndex(async (ix) => {
        const d = doc("alice", ["you are a bold one", "one bold move", "cottages boldly built", "bold"]);
        await ix.upsert(d);
        expect(ids(await ix.search({ userId: "alice", q: '"bold one"', limit: 10 }))).toEqual([`${d.jobId}:0`]);
        expect(ids(await ix.search({ userId: "alice", q: "bold one", limit: 10 })).sort()).toEqual([`${d.jobId}:0`, `${d.jobId}:1`].sort());
        expect(ids(await ix.search({ userId: "alice", q: "cott*", limit: 10 }))).toEqual([`${d.jobId}:2`]);
        expect(ids(await ix.search({ userId: "alice", q: "bol*", limit: 10 }))).toHaveLength(4);
        expect((await ix.search({ userId: "alice", q: "bold absent", limit: 10 })).items).toEqual([]);
      }));

    it("never returns another user's transcripts", () =>
      withIndex(async (ix) => {
        await ix.upsert(doc("alice", ["the secret plan of alice"]));
        const mine = doc("bob", ["an ordinary plan"]);
        await ix.upsert(mine);
        expect(ids(await ix.search({ userId: "bob", q: "plan", limit: 10 }))).toEqual([`${mine.jobId}:0`]);
        expect((await ix.search({ userId: "bob", q: "secret", limit: 10 })).items).toEqual([]);
        expect((await ix.search({ userId: "mallory", q: "plan", limit: 10 })).items).toEqual([]);
      }));

    it("replaces a job's segments with a newer version and ignores an older one arriving late", () =>
      withIndex(async (ix) => {
        const v1 = doc("alice", ["the engine heard wreck a nice beach"]);
        const v2 = { ...v1, version: 2, segments: [{ ...v1.segments[0]!, text: "the speaker said recognise speech", speaker: "Dr. Rao" }] };
        await ix.upsert(v1);
        await ix.upsert(v2);
        await ix.upsert(v1);
        expect((await ix.search({ userId: "alice", q: "beach", limit: 10 })).items).toEqual([]);
        const hit = (await ix.search({ userId: "alice", q: "recognise speech", limit: 10 })).items;
        expect(hit).toMatchObject([{ jobId: v1.jobId, speaker: "Dr. Rao" }]);
        expect((await ix.versions()).get(v1.jobId)).toBe(2);
      }));

    it("forgets a removed job for good: a late upsert does not bring it back", () =>
      withIndex(async (ix) => {
        const d = doc("alice", ["a transcript to delete"]);
        await ix.upsert(d);
        await ix.remove({ userId: "alice", jobId: d.jobId });
        expect((await ix.search({ userId: "alice", q: "delete", limit: 10 })).items).toEqual([]);
        await ix.upsert({ ...d, version: 3 });
        expect((await ix.search({ userId: "alice", q: "delete", limit: 10 })).items).toEqual([]);
        expect((await ix.versions()).get(d.jobId)).toBe(Number.POSITIVE_INFINITY);
        await ix.remove({ userId: "alice", jobId: newId() }); // not indexed: a no-op
      }));

    it("ranks the segment where the words weigh more first", () =>
      withIndex(async (ix) => {
        const d = doc("alice", ["marianne spoke of many things that evening over dinner with the family and guests present", "marianne marianne"]);
        await ix.upsert(d);
        expect(ids(await ix.search({ userId: "alice", q: "marianne", limit: 10 }))).toEqual([`${d.jobId}:1`, `${d.jobId}:0`]);
      }));

    it("pages through every hit exactly once", () =>
      withIndex(async (ix) => {
        const all = new Set<string>();
        for (let j = 0; j < 3; j++) {
          const d = doc(
            "alice",
            Array.from({ length: 9 }, (_, i) => `sentence ${i} about the barton estate`),
          );
          d.segments.forEach((s) => all.add(`${d.jobId}:${s.segmentIndex}`));
          await ix.upsert(d);
        }
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await ix.search({ userId: "alice", q: "barton", limit: 10, ...(cursor ? { cursor } : {}) });
          seen.push(...ids(page));
          cursor = page.next ?? undefined;
          pages++;
        } while (cursor);
        expect(pages).toBe(3);
        expect(seen).toHaveLength(27);
        expect(new Set(seen)).toEqual(all);
      }));

    it("treats query syntax as words and rejects empty queries and foreign cursors with VALIDATION_FAILED", () =>
      withIndex(async (ix) => {
        const d = doc("alice", ["near the river or the sea"]);
        await ix.upsert(d);
        for (const q of ["NEAR(river sea)", "river OR", "river:sea", "-river", "river^ (sea", '"river']) {
          expect(ids(await ix.search({ userId: "alice", q, limit: 10 })), q).toEqual([`${d.jobId}:0`]);
        }
        for (const q of ["", "  ", "*", '""', "x*"]) {
          await expect(ix.search({ userId: "alice", q, limit: 10 }), q).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
        }
        await expect(ix.search({ userId: "alice", q: "river", limit: 10, cursor: "garbage" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      }));
  });
}
