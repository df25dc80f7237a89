import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyPluginAsync } from "fastify";

const FILES = {
  "index.html": "text/html; charset=utf-8",
  "dashboard.js": "text/javascript; charset=utf-8",
  "dashboard-charts.js": "text/javascript; charset=utf-8",
  "dashboard.css": "text/css; charset=utf-8",
} as const;

/**
 * The admin dashboard: static HTML, CSS and vanilla JS, no build step. The page itself is public
 * (it holds no data); it logs in through /v1/auth/login and calls the admin API with the token,
 * so every number it shows passes the same admin check as the API.
 */
export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const [name, type] of Object.entries(FILES)) files.set(name, { type, body: await readFile(join(import.meta.dirname, name)) });

  const send = (name: string) => {
    const f = files.get(name)!;
    return async (_req: unknown, reply: import("fastify").FastifyReply) =>
      reply
        .type(f.type)
        .header("cache-control", "no-cache")
        .header("x-content-type-options", "nosniff")
        .header(
          "content-security-policy",
          "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
        )
        .send(f.body);
  };
  const hide = { schema: { hide: true } };
  app.get("/dashboard", hide, async (_req, reply) => reply.redirect("/dashboard/"));
  app.get("/dashboard/", hide, send("index.html"));
  for (const name of Object.keys(FILES)) app.get(`/dashboard/${name}`, hide, send(name));
};
