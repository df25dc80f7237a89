import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { errorBody, toHttpError } from "../errors/to-http-error.ts";
import { ReserveRefusal } from "../uploads/disk-guard.ts";

/** Retry-After of STORAGE_FULL: an operator has to free space, which takes longer than a blip. */
const STORAGE_FULL_RETRY_SEC = 60;

/**
 * One error shape for the whole API, `{error: {code, message}}`: AppErrors keep their code,
 * framework errors get a stable one, unknown routes are 404 NOT_FOUND, and only what the server
 * cannot explain is 500 INTERNAL (logged with its stack; the client sees a generic message).
 */
async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((err, req, reply) => {
    const e = toHttpError(err);
    // The disk guard's refusals are warnings (it says it once a minute at error level); a write that hit a full disk is an error.
    if (e.status >= 500) req.log[err instanceof ReserveRefusal ? "warn" : "error"]({ err, code: e.code }, "request failed");
    else req.log.debug({ code: e.code, msg: e.message }, "request rejected");
    const retryAfter = (err as { retryAfterSec?: unknown }).retryAfterSec ?? (e.code === "STORAGE_FULL" ? STORAGE_FULL_RETRY_SEC : undefined);
    if (typeof retryAfter === "number") reply.header("retry-after", String(retryAfter));
    return reply.code(e.status).type("application/json; charset=utf-8").send(errorBody(e));
  });

  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody({ code: "NOT_FOUND", message: `no route ${req.method} ${req.url.split("?")[0]}` })));
}

export default fp(errorsPlugin, { name: "mp4t-errors", fastify: "5.x" });
