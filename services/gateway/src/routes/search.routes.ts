import { MAX_QUERY_LENGTH, type SearchIndex } from "@mp4t/stores";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { bearer, errors } from "../schemas/api.schema.ts";

const SearchHit = z.object({
  jobId: z.string(),
  fileName: z.string(),
  segmentIndex: z.number().int(),
  start: z.number(),
  end: z.number(),
  speaker: z.string().optional(),
  snippet: z.string().describe("The segment's text around the matches; each match between ** marks."),
});

/** GET /v1/search: full-text search over the caller's own transcripts (their current versions). */
export const searchRoutes: FastifyPluginAsyncZod<{ index: SearchIndex }> = async (app, { index }) => {
  app.addHook("onRequest", app.authenticate);
  app.get(
    "",
    {
      schema: {
        operationId: "searchTranscripts",
        tags: ["transcripts"],
        summary: "Search your transcripts",
        description:
          'Every word must occur (word forms match: "walked" finds "walking"); "quoted phrases" in order; prefix* matches word stems. ' +
          "Ranked best first (BM25); page with `next`. Only your own jobs' current transcript versions are searched.",
        security: bearer,
        querystring: z.object({
          q: z.string().min(1).max(MAX_QUERY_LENGTH),
          limit: z.coerce.number().int().min(1).max(100).default(20),
          cursor: z.string().max(64).optional().describe("`next` from the previous page."),
        }),
        response: {
          200: z.object({ items: z.array(SearchHit), next: z.string().nullable() }),
          ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req) => index.search({ userId: req.user.sub, q: req.query.q, limit: req.query.limit, ...(req.query.cursor ? { cursor: req.query.cursor } : {}) }),
  );
};
