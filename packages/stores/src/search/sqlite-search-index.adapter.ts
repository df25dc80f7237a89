import { createHash } from "node:crypto";
import { chmodSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { decodeCursor, encodeCursor, MAX_OFFSET, parseQuery, type Clause } from "./query.ts";
import type { SearchHit, SearchIndex } from "./search-index.ts";

/**
 * Each user's segments get row ids in a range of their own (a hash of the user id picks one of
 * 65,536 ranges of 2^36 ids; all below 2^53, so plain JS numbers), and every query is limited to
 * the caller's range: FTS5 seeks within its posting lists by row id, so a query costs what the
 * caller's own transcripts cost, not what everyone's do. Users sharing a range are told apart by
 * the exact user_id, compared as well, so a collision cannot leak.
 */
const RANGE = 2 ** 36;
const userRange = (userId: string): [number, number] => {
  const bucket = parseInt(createHash("sha256").update(userId).digest("hex").slice(0, 4), 16);
  return [bucket * RANGE, (bucket + 1) * RANGE - 1];
};

/** Each clause as an FTS5 phrase limited to the text column; tokens are letters and digits only, so quoting is safe. */
const ftsClause = (c: Clause) => `"${c.tokens.join(" ")}"${c.kind === "prefix" ? " *" : ""}`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  job_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, file_name TEXT NOT NULL,
  version INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS segs (
  id INTEGER PRIMARY KEY, job_id TEXT NOT NULL, user_id TEXT NOT NULL, seg INTEGER NOT NULL,
  start REAL NOT NULL, "end" REAL NOT NULL, speaker TEXT
);
CREATE INDEX IF NOT EXISTS segs_job ON segs (job_id);
CREATE VIRTUAL TABLE IF NOT EXISTS segs_fts USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2');
`;

/**
 * The embedded search index: SQLite FTS5 through Node's built-in `node:sqlite` (no server, no
 * native addon). `porter unicode61` tokens, bm25 ranking, phrase and prefix queries, snippets.
 * The file is opened in WAL mode with a busy timeout, so several gateway processes on one host
 * share it. Calls are synchronous inside (node:sqlite has no async API); each is short.
 */
export function createSqliteSearchIndex(opts: { path: string; busyTimeoutMs?: number }): SearchIndex {
  // Transcripts' text: readable by this service's user only (SQLite gives the -wal/-shm files the database's mode).
  if (opts.path !== ":memory:") mkdirSync(dirname(opts.path), { recursive: true, mode: 0o700 });
  const db = new DatabaseSync(opts.path);
  if (opts.path !== ":memory:") chmodSync(opts.path, 0o600);
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
  db.exec(SCHEMA);

  const getJob = db.prepare("SELECT version, deleted FROM jobs WHERE job_id = ?");
  const putJob = db.prepare(
    "INSERT INTO jobs (job_id, user_id, file_name, version) VALUES (?, ?, ?, ?) " +
      "ON CONFLICT (job_id) DO UPDATE SET file_name = excluded.file_name, version = excluded.version",
  );
  const tombstone = db.prepare(
    "INSERT INTO jobs (job_id, user_id, file_name, version, deleted) VALUES (?, ?, '', 0, 1) " + "ON CONFLICT (job_id) DO UPDATE SET deleted = 1",
  );
  const dropFts = db.prepare("DELETE FROM segs_fts WHERE rowid IN (SELECT id FROM segs WHERE job_id = ?)");
  const dropSegs = db.prepare("DELETE FROM segs WHERE job_id = ?");
  const lastId = db.prepare("SELECT max(id) AS id FROM segs WHERE id BETWEEN ? AND ?");
  const addSeg = db.prepare('INSERT INTO segs (id, job_id, user_id, seg, start, "end", speaker) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const addFts = db.prepare("INSERT INTO segs_fts (rowid, text) VALUES (?, ?)");
  // Ranking and the page in one statement; snippets and file names afterwards for the page's rows
  // only (in the ranking query they would be computed or joined for every match, not just the 20 shown).
  const query = db.prepare(`
    SELECT s.id AS id, s.job_id AS jobId, s.seg AS segmentIndex, s.start AS start, s."end" AS "end", s.speaker AS speaker
    FROM segs_fts JOIN segs s ON s.id = segs_fts.rowid
    WHERE segs_fts MATCH ? AND segs_fts.rowid BETWEEN ? AND ? AND s.user_id = ?
    ORDER BY rank, s.id
    LIMIT ? OFFSET ?`);
  const fileNameOf = db.prepare("SELECT file_name AS fileName FROM jobs WHERE job_id = ?");
  const snippetOf = db.prepare("SELECT snippet(segs_fts, 0, '**', '**', '…', 16) AS snippet FROM segs_fts WHERE segs_fts MATCH ? AND rowid = ?");
  const allVersions = db.prepare("SELECT job_id, version, deleted FROM jobs");

  /** BEGIN IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read. */
  const write = (fn: () => void) => {
    db.exec("BEGIN IMMEDIATE");
    try {
      fn();
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  };
  const clear = (jobId: string) => {
    dropFts.run(jobId);
    dropSegs.run(jobId);
  };

  return {
    async upsert(doc) {
      write(() => {
        const current = getJob.get(doc.jobId) as { version: number; deleted: number } | undefined;
        if (current && (current.deleted || current.version > doc.version)) return;
        if (current) clear(doc.jobId); // a job's segments are only ever written with its row, in one transaction
        putJob.run(doc.jobId, doc.userId, doc.fileName, doc.version);
        const [lo, hi] = userRange(doc.userId);
        let id = ((lastId.get(lo, hi) as { id: number | null }).id ?? lo - 1) + 1;
        if (id + doc.segments.length > hi) throw new Error(`search index: row id range of user ${doc.userId} is full`);
        for (const s of doc.segments) {
          addSeg.run(id, doc.jobId, doc.userId, s.segmentIndex, s.start, s.end, s.speaker ?? null);
          addFts.run(id++, s.text);
        }
      });
    },
    async remove(ref) {
      write(() => {
        clear(ref.jobId);
        tombstone.run(ref.jobId, ref.userId);
      });
    },
    async search(req) {
      const clauses = parseQuery(req.q);
      const offset = decodeCursor(req.cursor);
      const [lo, hi] = userRange(req.userId);
      const match = clauses.map(ftsClause).join(" AND ");
      const rows = query.all(match, lo, hi, req.userId, req.limit + 1, offset) as (Omit<SearchHit, "snippet" | "speaker" | "fileName"> & {
        id: number;
        speaker: string | null;
      })[];
      const items = rows.slice(0, req.limit).map(({ id, speaker, ...hit }) => ({
        ...hit,
        fileName: (fileNameOf.get(hit.jobId) as { fileName: string } | undefined)?.fileName ?? "",
        ...(speaker === null ? {} : { speaker }),
        snippet: (snippetOf.get(match, id) as { snippet: string }).snippet,
      }));
      return { items, next: rows.length > req.limit && offset + req.limit <= MAX_OFFSET ? encodeCursor(offset + req.limit) : null };
    },
    async versions() {
      const rows = allVersions.all() as { job_id: string; version: number; deleted: number }[];
      return new Map(rows.map((r) => [r.job_id, r.deleted ? Number.POSITIVE_INFINITY : r.version]));
    },
    async close() {
      if (db.isOpen) db.close();
    },
  };
}
