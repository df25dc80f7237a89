import { MongoServerError, type Db } from "mongodb";
import { decodeCursor, encodeCursor, makeSnippet, MAX_OFFSET, occurrences, parseQuery, stem, tokenize, type Clause } from "./query.ts";
import type { SearchIndex } from "./search-index.ts";

/** A segment as stored: `terms` are the distinct Porter stems of its text (the multikey index). */
type SegmentDoc = {
  _id: string;
  userId: string;
  jobId: string;
  version: number;
  seg: number;
  start: number;
  end: number;
  speaker?: string;
  text: string;
  terms: string[];
  len: number;
};
/** What is indexed of a job; `deleted` is a tombstone so a late write cannot bring a deleted job back. */
type JobDoc = { _id: string; userId: string; fileName: string; version: number; deleted?: boolean };

/** Matches ranked in the application per query, at most; past this a query is too broad to rank well. */
const MAX_CANDIDATES = 5000;
const DUPLICATE_KEY = 11000;
const K1 = 1.2;
const B = 0.75;
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const clauseFilter = (c: Clause) => (c.kind === "prefix" ? { terms: { $regex: `^${escapeRegex(c.tokens[0]!)}` } } : { terms: { $all: c.tokens.map(stem) } });

/**
 * The production search index, on the job store's MongoDB (collections `search_segments` and
 * `search_jobs`). Portable to FerretDB v1, which has no `$text` (FerretDB#416, #3615): each
 * segment keeps its Porter stems in an array with a `{userId, terms}` multikey index; the server
 * selects the user's segments holding every word (a prefix is an anchored regex on the stems),
 * the application checks phrases and ranks by BM25 (document frequencies counted per query).
 * Matching therefore agrees with the SQLite adapter: same tokens, same stemmer.
 */
export async function createMongoSearchIndex(opts: { db: Db; close?: () => Promise<void> }): Promise<SearchIndex> {
  const segs = opts.db.collection<SegmentDoc>("search_segments");
  const jobs = opts.db.collection<JobDoc>("search_jobs");
  // One marker per indexed version, only ever inserted: the newest is the job's version even where
  // concurrent updates of one document are not isolated (FerretDB on PostgreSQL can lose one).
  const marks = opts.db.collection<{ _id: string; jobId: string; version: number }>("search_versions");
  await Promise.all([
    segs.createIndex({ userId: 1, terms: 1 }, { name: "user_terms" }),
    segs.createIndex({ jobId: 1, version: 1 }, { name: "job_version" }),
    marks.createIndex({ jobId: 1, version: -1 }, { name: "job_version" }),
  ]);
  const newest = async (jobId: string) => (await marks.find({ jobId }).sort({ version: -1 }).limit(1).toArray())[0]?.version ?? 0;

  /** The job's document, created at version 0 if missing; two writers racing to create it both go on. */
  const ensureJob = async (jobId: string, userId: string) => {
    try {
      await jobs.updateOne({ _id: jobId }, { $setOnInsert: { userId, fileName: "", version: 0 } }, { upsert: true });
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw err;
    }
  };

  return {
    async upsert(doc) {
      await ensureJob(doc.jobId, doc.userId);
      await marks
        .updateOne({ _id: `${doc.jobId}:${doc.version}` }, { $setOnInsert: { jobId: doc.jobId, version: doc.version } }, { upsert: true })
        .catch((err: unknown) => {
          if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw err;
        });
      // Only ever raises the version: an older write arriving late changes nothing.
      await jobs.updateOne(
        { _id: doc.jobId, deleted: { $ne: true }, version: { $lte: doc.version } },
        { $set: { fileName: doc.fileName, version: doc.version } },
      );
      const current = await jobs.findOne({ _id: doc.jobId });
      if (!current || current.deleted || (await newest(doc.jobId)) > doc.version) return;
      if (doc.segments.length) {
        await segs.bulkWrite(
          doc.segments.map((s) => {
            const tokens = tokenize(s.text);
            const body: SegmentDoc = {
              _id: `${doc.jobId}:v${doc.version}:${s.segmentIndex}`,
              userId: doc.userId,
              jobId: doc.jobId,
              version: doc.version,
              seg: s.segmentIndex,
              start: s.start,
              end: s.end,
              ...(s.speaker ? { speaker: s.speaker } : {}),
              text: s.text,
              terms: [...new Set(tokens.map(stem))],
              len: tokens.length,
            };
            return { replaceOne: { filter: { _id: body._id }, replacement: body, upsert: true } };
          }),
          { ordered: false },
        );
      }
      // Whoever writes last leaves only the newest version's segments, whatever order writers ran in.
      const now = await jobs.findOne({ _id: doc.jobId });
      if (!now || now.deleted) await segs.deleteMany({ jobId: doc.jobId });
      else {
        const version = await newest(doc.jobId);
        await segs.deleteMany({ jobId: doc.jobId, version: { $ne: version } });
        if (now.version < version) await jobs.updateOne({ _id: doc.jobId, version: { $lt: version } }, { $set: { version } });
      }
    },
    async remove(ref) {
      await ensureJob(ref.jobId, ref.userId);
      await jobs.updateOne({ _id: ref.jobId }, { $set: { deleted: true } });
      await segs.deleteMany({ jobId: ref.jobId });
      await marks.deleteMany({ jobId: ref.jobId });
    },
    async search(req) {
      const clauses = parseQuery(req.q);
      const offset = decodeCursor(req.cursor);
      const filter = { userId: req.userId, $and: clauses.map(clauseFilter) };
      const found = await segs.find(filter, { limit: MAX_CANDIDATES, projection: { terms: 0 } }).toArray();
      // Phrases: the server checked each word is there; the order is checked here.
      const hits = found
        .map((d) => ({ d, stems: tokenize(d.text).map(stem) }))
        .map((h) => ({ ...h, tf: clauses.map((c) => occurrences(h.stems, c).length) }))
        .filter((h) => h.tf.every((n) => n > 0));
      if (hits.length === 0) return { items: [], next: null };
      const total = await segs.countDocuments({ userId: req.userId });
      const df = await Promise.all(clauses.map((c) => segs.countDocuments({ userId: req.userId, ...clauseFilter(c) })));
      const avgLen = hits.reduce((a, h) => a + h.d.len, 0) / hits.length || 1;
      const score = (tfs: number[], len: number) =>
        clauses.reduce((sum, _c, i) => {
          const tf = tfs[i]!;
          const idf = Math.log(1 + (total - df[i]! + 0.5) / (df[i]! + 0.5));
          return sum + (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * len) / avgLen));
        }, 0);
      const ranked = hits
        .map((h) => ({ ...h, score: score(h.tf, h.d.len) }))
        .sort((a, b) => b.score - a.score || (a.d.jobId < b.d.jobId ? 1 : a.d.jobId > b.d.jobId ? -1 : a.d.seg - b.d.seg));
      const page = ranked.slice(offset, offset + req.limit);
      const names = new Map((await jobs.find({ _id: { $in: [...new Set(page.map((h) => h.d.jobId))] } }).toArray()).map((j) => [j._id, j.fileName]));
      const items = page.map(({ d }) => ({
        jobId: d.jobId,
        fileName: names.get(d.jobId) ?? "",
        segmentIndex: d.seg,
        start: d.start,
        end: d.end,
        ...(d.speaker ? { speaker: d.speaker } : {}),
        snippet: makeSnippet(d.text, clauses),
      }));
      const more = ranked.length > offset + req.limit && offset + req.limit <= MAX_OFFSET;
      return { items, next: more ? encodeCursor(offset + req.limit) : null };
    },
    async versions() {
      const all = await jobs.find({}, { projection: { version: 1, deleted: 1 } }).toArray();
      return new Map(all.map((j) => [j._id, j.deleted ? Number.POSITIVE_INFINITY : j.version]));
    },
    async close() {
      await opts.close?.();
    },
  };
}
