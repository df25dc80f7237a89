import type { Socket } from "node:net";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { lagMonitor } from "@mp4t/runtime";

export type SlowBodyOptions = {
  /** A non-upload body must have arrived completely this long after the request began. */
  bodyTimeoutMs: number;
  /** An upload must average at least this many bytes per second over every window; 0: no floor. */
  uploadMinBytesPerSec: number;
  uploadWindowMs: number;
  /** Which requests are uploads (streamed, possibly long) rather than small bodies. */
  isUpload(req: FastifyRequest): boolean;
};

type Watched = { req: FastifyRequest; socket: Socket; upload: boolean; startedAt: number; markAt: number; markBytes: number };

const declaresBody = (req: FastifyRequest) => req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;

/**
 * Cuts off request bodies that trickle in (slowloris-style): Node's own requestTimeout has to
 * allow the largest upload, so small bodies get a short deadline of their own, and uploads a
 * minimum rate per window. It watches the socket's byte count, never the stream itself, so the
 * body's reader is untouched; a request cut off has its connection closed. One timer per app.
 */
async function slowBody(app: FastifyInstance, opts: SlowBodyOptions) {
  if (!(opts.bodyTimeoutMs > 0) || !(opts.uploadWindowMs > 0) || !(opts.uploadMinBytesPerSec >= 0)) throw new Error("slow-body: invalid limits");
  const watched = new Set<Watched>();
  const tickMs = Math.max(20, Math.min(1000, opts.bodyTimeoutMs / 4, opts.uploadWindowMs / 4));
  let timer: NodeJS.Timeout | undefined;

  const cut = (w: Watched, why: string) => {
    watched.delete(w);
    w.req.log.warn({ why, route: w.req.routeOptions.url, ip: w.req.ip }, "request body too slow: closing the connection");
    w.socket.destroy();
  };

  const tick = () => {
    const now = Date.now();
    // A body still arriving is work: the event-loop lag stays sampled for the whole of a long upload.
    lagMonitor.markActive();
    for (const w of watched) {
      if (w.req.raw.complete || w.socket.destroyed) {
        watched.delete(w);
      } else if (!w.upload) {
        if (now - w.startedAt >= opts.bodyTimeoutMs) cut(w, `body not received within ${opts.bodyTimeoutMs} ms`);
      } else if (now - w.markAt >= opts.uploadWindowMs) {
        const rate = ((w.socket.bytesRead - w.markBytes) * 1000) / (now - w.markAt);
        if (rate < opts.uploadMinBytesPerSec) cut(w, `upload at ${Math.round(rate)} B/s, below ${opts.uploadMinBytesPerSec} B/s`);
        else Object.assign(w, { markAt: now, markBytes: w.socket.bytesRead });
      }
    }
    if (watched.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  app.addHook("onRequest", async (req) => {
    const socket = req.raw.socket as Socket | undefined;
    // inject() requests have no real socket; nothing trickles there.
    if (!socket || typeof socket.bytesRead !== "number" || req.raw.complete || !declaresBody(req)) return;
    const now = Date.now();
    watched.add({ req, socket, upload: opts.isUpload(req), startedAt: now, markAt: now, markBytes: socket.bytesRead });
    timer ??= setInterval(tick, tickMs).unref();
  });
  app.addHook("onClose", async () => {
    if (timer) clearInterval(timer);
    watched.clear();
  });
}

export default fp(slowBody, { name: "mp4t-slow-body", fastify: "5.x" });
