import { PIPELINE_STAGES, STAGES, type Stage } from "@mp4t/contracts";
import { AppError } from "@mp4t/contracts";
import { deadLetterJob, type DeadLetterEntry, type MessagingPorts } from "@mp4t/messaging";
import type { JobLifecycle } from "@mp4t/pipeline";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { sessionOnly, errors } from "../schemas/api.schema.ts";

export type DeadLettersRoutesOptions = {
  deadLetters: MessagingPorts["deadLetters"];
  lifecycle: Pick<JobLifecycle, "reopen">;
};

const StageParam = z.enum(STAGES as [string, ...string[]]);

const DeadLetterView = z.object({
  seq: z.number().int().describe("Sequence in the MP4T_DLQ stream: the letter's id."),
  time: z.string().describe("When the letter was stored."),
  stage: z.string(),
  subject: z.string().describe("The work subject the original message was published on."),
  data: z.string().describe("The original message, verbatim."),
  error: z.object({ code: z.string(), message: z.string() }),
  deliveries: z.number().int(),
  service: z.string(),
  at: z.string(),
  traceId: z.string().optional(),
  job: z.object({ jobId: z.string(), userId: z.string() }).nullable().describe("The job it belongs to; null for a poison message."),
  redrivable: z.boolean(),
});

const toView = (e: DeadLetterEntry): z.infer<typeof DeadLetterView> => {
  const job = deadLetterJob(e.letter);
  return { seq: e.seq, time: e.time, ...e.letter, job: job ? { jobId: job.jobId, userId: job.userId } : null, redrivable: !!job };
};

const SeqParams = z.object({ seq: z.coerce.number().int().min(1) });
const ListQuery = z.object({
  stage: StageParam.optional(),
  cursor: z.coerce.number().int().min(1).optional().describe("`next` from the previous page."),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const unavailable = (err: unknown) => (err instanceof AppError ? err : new AppError("SERVICE_UNAVAILABLE", undefined, { cause: err }));

/**
 * Dead letters, for admins: list, inspect, re-drive one or a whole stage. A re-drive reopens the
 * failed job (the one exception to the state machine) before its message goes back to work, so
 * the job resumes at the stage that failed.
 */
export const deadLettersRoutes: FastifyPluginAsyncZod<DeadLettersRoutesOptions> = async (app, opts) => {
  app.addHook("onRequest", app.authenticate);
  app.addHook("onRequest", app.requireAdmin);

  const letters = async () =>
    opts.deadLetters({
      beforeRedrive: async (job) => {
        if ((PIPELINE_STAGES as readonly string[]).includes(job.stage)) {
          await opts.lifecycle.reopen({ userId: job.userId, jobId: job.jobId });
        }
      },
    });
  const run = async <T>(fn: (dl: Awaited<ReturnType<typeof letters>>) => Promise<T>) => {
    try {
      return await fn(await letters());
    } catch (err) {
      throw unavailable(err);
    }
  };

  app.get(
    "/dead-letters",
    {
      schema: {
        operationId: "listDeadLetters",
        tags: ["admin"],
        summary: "Dead letters, oldest first, optionally of one stage",
        security: sessionOnly,
        querystring: ListQuery,
        response: {
          200: z.object({ items: z.array(DeadLetterView), next: z.number().int().nullable() }),
          ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "FORBIDDEN", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req) => {
      const { stage, cursor, limit } = req.query;
      const page = await run((dl) => dl.list({ limit, ...(stage ? { stage: stage as Stage } : {}), ...(cursor ? { cursor } : {}) }));
      return { items: page.items.map(toView), next: page.next };
    },
  );

  app.get(
    "/dead-letters/:seq",
    {
      schema: {
        operationId: "getDeadLetter",
        tags: ["admin"],
        summary: "One dead letter",
        security: sessionOnly,
        params: SeqParams,
        response: { 200: DeadLetterView, ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "SERVICE_UNAVAILABLE") },
      },
    },
    async (req) => {
      const entry = await run((dl) => dl.get(req.params.seq));
      if (!entry) throw new AppError("NOT_FOUND", `no dead letter ${req.params.seq}`);
      return toView(entry);
    },
  );

  app.post(
    "/dead-letters/:seq/redrive",
    {
      schema: {
        operationId: "redriveDeadLetter",
        tags: ["admin"],
        summary: "Re-drive one dead letter: its job resumes at the stage that failed",
        security: sessionOnly,
        params: SeqParams,
        response: {
          202: z.object({ redriven: z.literal(1) }),
          ...errors(
            "VALIDATION_FAILED",
            "UNAUTHORIZED",
            "FORBIDDEN",
            "NOT_FOUND",
            "DEAD_LETTER_UNREDRIVABLE",
            "SERVICE_UNAVAILABLE",
            "INVALID_JSON",
            "UNSUPPORTED_CONTENT_TYPE",
          ),
        },
      },
    },
    async (req, reply) => {
      if (!(await run((dl) => dl.redrive(req.params.seq)))) throw new AppError("NOT_FOUND", `no dead letter ${req.params.seq}`);
      return reply.code(202).send({ redriven: 1 as const });
    },
  );

  app.post(
    "/dead-letters/redrive",
    {
      schema: {
        operationId: "redriveDeadLetters",
        tags: ["admin"],
        summary: "Re-drive every dead letter of one stage (poison messages stay)",
        security: sessionOnly,
        body: z.object({ stage: StageParam }).strict(),
        response: {
          202: z.object({ redriven: z.number().int() }),
          ...errors("VALIDATION_FAILED", "INVALID_JSON", "UNAUTHORIZED", "FORBIDDEN", "UNSUPPORTED_CONTENT_TYPE", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req, reply) => {
      const redriven = await run((dl) => dl.redriveAll(req.body.stage as Stage));
      return reply.code(202).send({ redriven });
    },
  );
};
