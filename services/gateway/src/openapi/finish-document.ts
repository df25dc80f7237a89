import { ERROR_CODES } from "@mp4t/contracts";

type Operation = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  security?: unknown[];
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
};
type Document = {
  openapi: string;
  info: Record<string, unknown>;
  servers?: unknown[];
  tags?: unknown[];
  paths?: Record<string, Record<string, Operation>>;
  components?: Record<string, Record<string, unknown>>;
};

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** The tags routes may use (a route with another tag fails the documentation test). */
export const API_TAGS = {
  auth: "Accounts and sessions: register, log in, refresh, log out, password, stream tokens.",
  "api-keys": "API keys for scripts and integrations: create (shown once), list, revoke. Signed-in sessions only.",
  jobs: "Upload media, follow jobs (also as server-sent events), download transcripts and subtitles.",
  uploads: "Resumable uploads (tus 1.0.0): create, append, resume, abandon; a finished upload becomes a job.",
  webhooks: "Endpoints that receive job events (Standard Webhooks signatures), their delivery log and re-sends.",
  transcripts: "Edit transcripts (versions, speakers), enhance and search them.",
  capabilities: "What this deployment supports: engines, languages, diarization, enhancements, formats, limits.",
  admin: "Operators: services, users, invites, dead letters, lanes, health. Admin sessions only.",
  ops: "Probes and metrics for orchestrators and Prometheus.",
} as const;

export const SECURITY_SCHEMES = {
  bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "A session token from POST /v1/auth/login (Authorization: Bearer <token>)." },
  apiKey: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "mp4t_<40 base62 characters>",
    description: "An API key from POST /v1/api-keys, sent as Authorization: Bearer mp4t_..., within its scopes.",
  },
  metricsToken: { type: "http", scheme: "bearer", description: "METRICS_TOKEN, for GET /metrics on the API port." },
} as const;

export const operationsOf = (doc: Document) =>
  Object.entries(doc.paths ?? {}).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method]! })));

/** A documented error response with one code, for what the framework answers on any route. */
const frameworkError = (code: keyof typeof ERROR_CODES, why: string) => ({
  description: `\`${code}\`: ${why}`,
  content: {
    "application/json": {
      schema: {
        type: "object",
        required: ["error"],
        properties: {
          error: { type: "object", required: ["code", "message"], properties: { code: { type: "string", enum: [code] }, message: { type: "string" } } },
        },
      },
      examples: { [code]: { summary: code, value: { error: { code, message: why } } } },
    },
  },
});
const rateLimited = frameworkError("RATE_LIMITED", ERROR_CODES.RATE_LIMITED);
const uriTooLong = frameworkError("VALIDATION_FAILED", "A path parameter is longer than the router accepts.");

/** Success responses whose schema has no description (fastify-swagger says "Default Response"). */
const SUCCESS = { 200: "OK", 201: "Created", 202: "Accepted: the work is queued", 204: "No content", 304: "Not modified" } as Record<string, string>;

export type FinishOptions = { version: string; unlimitedPaths: ReadonlySet<string> };

/** What route schemas cannot say: servers, licence, tags, security schemes, the rate limit every route has. */
export function finishDocument<D extends Document>(doc: D, opts: FinishOptions): D {
  doc.info = {
    title: "MP4toText API",
    description: "Video and audio to text: transcripts, subtitles, speakers, summaries. Errors are `{error: {code, message}}` with a stable code.",
    version: opts.version,
    license: { name: "MIT", url: "https://opensource.org/licenses/MIT" },
  };
  doc.servers = [{ url: "/", description: "This gateway" }];
  doc.tags = Object.entries(API_TAGS).map(([name, description]) => ({ name, description }));
  doc.components = { ...doc.components, securitySchemes: { ...SECURITY_SCHEMES } };
  for (const { path, op } of operationsOf(doc)) {
    op.security ??= []; // public routes say so
    if (!opts.unlimitedPaths.has(path)) op.responses = { ...op.responses, "429": op.responses?.["429"] ?? rateLimited };
    if (path.includes("{")) op.responses = { ...op.responses, "414": uriTooLong };
    for (const [status, response] of Object.entries(op.responses ?? {})) {
      if (response.description === "Default Response" && SUCCESS[status]) response.description = SUCCESS[status];
    }
  }
  if (doc.components.schemas) doc.components.schemas = usedSchemas(doc, doc.components.schemas);
  return doc;
}

/** The named schemas the paths reach (zod registers an input and an output twin of each; most are one-sided). */
function usedSchemas(doc: Document, schemas: Record<string, unknown>): Record<string, unknown> {
  const used = new Set<string>();
  const visit = (node: unknown) => {
    for (const [, name] of JSON.stringify(node).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (!used.has(name!) && schemas[name!]) {
        used.add(name!);
        visit(schemas[name!]);
      }
    }
  };
  visit(doc.paths);
  return Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
}

/** Every way the document breaks the route convention (docs/architecture.md), one line each naming the route. */
export function documentationProblems(document: object): string[] {
  const doc = document as Document;
  const problems: string[] = [];
  const ids = new Map<string, string>();
  for (const { path, method, op } of operationsOf(doc)) {
    const route = `${method.toUpperCase()} ${path}`;
    if (!op.operationId) problems.push(`${route}: no operationId`);
    else if (!/^[a-z][A-Za-z0-9]+$/.test(op.operationId)) problems.push(`${route}: operationId ${op.operationId} is not camelCase`);
    else if (ids.has(op.operationId)) problems.push(`${route}: operationId ${op.operationId} is also ${ids.get(op.operationId)}'s`);
    else ids.set(op.operationId, route);
    if (op.tags?.length !== 1 || !Object.hasOwn(API_TAGS, op.tags[0]!)) problems.push(`${route}: needs one tag of ${Object.keys(API_TAGS).join(", ")}`);
    if (!op.summary) problems.push(`${route}: no summary`);
    const statuses = Object.keys(op.responses ?? {});
    if (!statuses.some((s) => /^2/.test(s))) problems.push(`${route}: no 2xx response schema`);
    for (const s of statuses.filter((s) => /^[45]/.test(s))) {
      const media = op.responses![s]!.content?.["application/json"] as { examples?: object } | undefined;
      if (!media?.examples) problems.push(`${route}: ${s} has no examples (use errors("CODE", ...))`);
    }
  }
  return problems;
}
