import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { audit } from "../audit/audit.ts";

/**
 * Audit lines for what routes do not log themselves: every admin action that changes something
 * (and every refused attempt at an admin route), and every deletion. Auth events (login, refresh,
 * logout, password, registration, invites) are logged by their routes, with more detail.
 */
async function auditPlugin(app: FastifyInstance) {
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url;
    if (!route) return;
    const admin = route.startsWith("/v1/admin/");
    const changes = req.method !== "GET" && req.method !== "HEAD" && req.method !== "OPTIONS";
    const denied = reply.statusCode === 401 || reply.statusCode === 403;
    if (route === "/v1/admin/invites") return; // logged by the route
    if (!(admin && (changes || denied)) && req.method !== "DELETE") return;
    const params = req.params as Record<string, string> | undefined;
    audit(req, {
      action: `${req.method} ${route}`,
      result: reply.statusCode < 400 ? "ok" : denied ? "denied" : "fail",
      target:
        params && Object.keys(params).length
          ? Object.entries(params)
              .map(([k, v]) => `${k}:${v}`)
              .join(",")
          : route,
    });
  });
}

export default fp(auditPlugin, { name: "mp4t-audit", fastify: "5.x" });
