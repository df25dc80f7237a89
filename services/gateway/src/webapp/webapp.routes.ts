import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { extname, join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** The dashboard's policy plus media from our own origin (the player streams /v1/jobs/:id/media). */
export const WEBAPP_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
  "media-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

type File = { type: string; body: Buffer; gzip: Buffer; etag: string };

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (TYPES[extname(e.name)]) out.push(p);
  }
  return out;
}

/**
 * The web app for people with recordings, at `/`: static HTML, CSS and ES modules (no build
 * step, no framework), read once at start and gzipped once. The pages hold no data; every
 * figure comes from API v1 with the user's token. Files are served from an allow-list made at
 * start, so no path from a URL ever reaches the file system.
 */
export const webappRoutes: FastifyPluginAsync = async (app) => {
  const root = join(import.meta.dirname, "public");
  const files = new Map<string, File>();
  for (const path of await walk(root)) {
    const body = await readFile(path);
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
    files.set(`/${relative(root, path).split("\\").join("/")}`, { type: TYPES[extname(path)]!, body, gzip: gzipSync(body, { level: 9 }), etag });
  }
  const send = (f: File) => async (req: FastifyRequest, reply: FastifyReply) => {
    reply
      .type(f.type)
      .header("cache-control", "no-cache")
      .header("x-content-type-options", "nosniff")
      .header("content-security-policy", WEBAPP_CSP)
      .header("vary", "accept-encoding")
      .header("etag", f.etag);
    // no-cache + ETag: a reload costs a 304 per file, and a new release is seen at once.
    if (req.headers["if-none-match"] === f.etag) return reply.code(304).send();
    if (/\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) return reply.header("content-encoding", "gzip").send(f.gzip);
    return reply.send(f.body);
  };
  const hide = { schema: { hide: true } };
  app.get("/", hide, send(files.get("/index.html")!));
  for (const [path, f] of files) if (path !== "/index.html") app.get(`/app${path}`, hide, send(f));
};
