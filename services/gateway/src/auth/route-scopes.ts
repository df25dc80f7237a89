import type { ApiKeyScope } from "@mp4t/contracts";
import type { RouteOptions } from "fastify";
import { documentedCodes, errors } from "../schemas/api.schema.ts";

/**
 * What a route needs. `public`: no authentication; `session`: a signed-in session (API keys never:
 * keys, passwords, sessions, admin); an API key scope: a session, or a key holding that scope.
 */
export type RouteScope = "public" | "session" | ApiKeyScope;

declare module "fastify" {
  interface FastifyContextConfig {
    scope?: RouteScope;
    /** The route also accepts a stream token as `?access_token=` (the two SSE routes only). */
    streamToken?: boolean;
  }
}

/**
 * Every `/v1` route's scope, in one place (`METHOD url` as registered). A route may also set
 * `config.scope` itself. Start-up fails on a `/v1` route found in neither, so no route can forget.
 */
export const ROUTE_SCOPES: Record<string, RouteScope> = {
  "GET /v1/auth/registration": "public",
  "POST /v1/auth/register": "public",
  "POST /v1/auth/login": "public",
  "POST /v1/auth/refresh": "public",
  "POST /v1/auth/logout": "session",
  "POST /v1/auth/password": "session",
  "POST /v1/auth/stream-token": "jobs:read",
  "GET /v1/me": "jobs:read",
  "POST /v1/api-keys": "session",
  "GET /v1/api-keys": "session",
  "DELETE /v1/api-keys/:id": "session",
  "GET /v1/capabilities": "jobs:read",
  "POST /v1/jobs": "jobs:write",
  "GET /v1/jobs": "jobs:read",
  "GET /v1/jobs/:id": "jobs:read",
  "DELETE /v1/jobs/:id": "jobs:write",
  "POST /v1/jobs/:id/cancel": "jobs:write",
  "POST /v1/jobs/:id/retry": "jobs:write",
  "GET /v1/jobs/:id/events": "jobs:read",
  "GET /v1/events": "jobs:read",
  "GET /v1/jobs/:id/transcript": "jobs:read",
  "PATCH /v1/jobs/:id/transcript": "jobs:write",
  "GET /v1/jobs/:id/transcript/versions": "jobs:read",
  "PUT /v1/jobs/:id/speakers": "jobs:write",
  "POST /v1/jobs/:id/enhance": "jobs:write",
  "GET /v1/search": "jobs:read",
  "POST /v1/jobs/:id/media-link": "jobs:read",
  "GET /v1/jobs/:id/media": "jobs:read",
};

/** Whole route families: every admin route needs a session; webhooks and resumable uploads follow the contract. */
const PREFIX_SCOPES: [prefix: string, scope: RouteScope][] = [
  ["/v1/admin/", "session"],
  ["/v1/webhooks", "webhooks"],
  ["/v1/uploads", "jobs:write"],
];

/** Routes whose SSE responses accept `?access_token=` (EventSource cannot send headers). */
export const STREAM_TOKEN_ROUTES = new Set(["GET /v1/jobs/:id/events", "GET /v1/events"]);

/** The scope of a route, or undefined when nothing declares one. */
export function scopeOf(method: string, url: string): RouteScope | undefined {
  return ROUTE_SCOPES[`${method} ${url}`] ?? PREFIX_SCOPES.find(([p]) => url.startsWith(p))?.[1];
}

/** onRoute hook: gives each route its scope; a `/v1` route without one stops start-up. */
export function assignScope(route: RouteOptions): void {
  // A HEAD route (Fastify adds one to every GET) needs what its GET needs.
  const methods = [route.method]
    .flat()
    .filter((m) => m !== "OPTIONS")
    .map((m) => (m === "HEAD" ? "GET" : m));
  for (const method of methods) {
    const scope = route.config?.scope ?? scopeOf(method, route.url);
    if (!scope && route.url.startsWith("/v1/")) {
      throw new Error(`route ${method} ${route.url} declares no scope: add it to ROUTE_SCOPES (services/gateway/src/auth/route-scopes.ts)`);
    }
    if (!scope) continue;
    route.config = { ...route.config, scope, ...(STREAM_TOKEN_ROUTES.has(`${method} ${route.url}`) ? { streamToken: true } : {}) };
    // Any authenticated route refuses an API key outside its scopes: the document says so.
    const response = route.schema?.response as Record<string, unknown> | undefined;
    if (scope === "public" || !response) continue;
    const forbidden = response[403] ? documentedCodes(response[403]) : [];
    if (forbidden && !forbidden.includes("INSUFFICIENT_SCOPE")) response[403] = errors(...forbidden, "INSUFFICIENT_SCOPE")[403];
  }
}
