/** One transcript segment as the search index holds it. */
export type IndexedSegment = { segmentIndex: number; start: number; end: number; speaker?: string; text: string };

/** Everything the index keeps of one job's current transcript version. */
export type IndexedTranscript = {
  userId: string;
  jobId: string;
  fileName: string;
  /** The transcript version indexed; an older version never replaces a newer one. */
  version: number;
  segments: IndexedSegment[];
};

export type SearchHit = {
  jobId: string;
  fileName: string;
  segmentIndex: number;
  start: number;
  end: number;
  speaker?: string;
  /** The segment's text around the matches, each match between `**` marks. */
  snippet: string;
};

export type SearchRequest = {
  /** Only this user's transcripts are searched: every adapter filters on it in the query itself. */
  userId: string;
  q: string;
  limit: number;
  /** `next` of the previous page. */
  cursor?: string;
};

export type SearchPage = { items: SearchHit[]; next: string | null };

/**
 * Full-text search over users' current transcripts: ranked, with phrases (`"a b"`), prefixes
 * (`term*`) and pages. Writes are idempotent (the last version wins), so several writers
 * (gateways) applying the same events in any order converge.
 */
export interface SearchIndex {
  /** Replaces what is indexed for the job, unless a newer version is indexed already. */
  upsert(doc: IndexedTranscript): Promise<void>;
  /** Removes the job; a no-op when it is not indexed. */
  remove(ref: { userId: string; jobId: string }): Promise<void>;
  /** Throws AppError VALIDATION_FAILED for a query with no searchable words or a bad cursor. */
  search(req: SearchRequest): Promise<SearchPage>;
  /** jobId -> indexed version, for the start-up check against the job store; a removed job is Infinity (never re-added). */
  versions(): Promise<Map<string, number>>;
  close(): Promise<void>;
}
