import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAdmin } from "../src/auth/seed-admin.ts";
import { startHarness, type Harness } from "./harness.ts";
import { login } from "./security-helpers.ts";

/** mulberry32: a small seeded generator, so a failure replays exactly. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

type Schema = { type?: string; properties?: Record<string, Schema>; required?: string[]; items?: Schema; enum?: unknown[] };
type Operation = { parameters?: { in: string; name: string; schema?: Schema }[]; requestBody?: { content: Record<string, { schema?: Schema }> } };

const SEED = 20261130;
const ROUNDS = 40; // per route and auth variant
const HUGE = "x".repeat(300_000);
const STRINGS = [
  "",
  " ",
  "null",
  "0",
  "-1",
  "1e309",
  "NaN",
  "true",
  "../../etc/passwd",
  "%00",
  "\u0000",
  "a\u202eb",
  "\u{1F4A9}".repeat(50),
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell-style probe, literally
  "${jndi:x}",
  "01jd3f5h7k9m1p3r5t7v9x1z3b",
  "ZZZZZZZZZZZZZZZZZZZZZZZZZZ",
  HUGE.slice(0, 5000),
  "é".repeat(300),
];
const VALUES = (r: ReturnType<typeof rng>): unknown[] => [
  r.pick(STRINGS),
  r.int(2 ** 31) - 2 ** 30,
  -1,
  0,
  1.5,
  1e308,
  -1e308,
  true,
  false,
  null,
  [],
  [r.pick(STRINGS)],
  {},
  { $gt: "" },
  { __proto__: { admin: true } },
  Array.from({ length: 50 }, () => 1),
  HUGE,
];

function fuzzValue(r: ReturnType<typeof rng>, s: Schema | undefined, depth = 0): unknown {
  if (!s || depth > 3 || r.next() < 0.35) return r.pick(VALUES(r));
  if (s.enum && r.next() < 0.5) return r.pick(s.enum);
  if (s.type === "object" || s.properties) return fuzzObject(r, s, depth + 1);
  if (s.type === "array") return Array.from({ length: r.int(4) }, () => fuzzValue(r, s.items, depth + 1));
  if (s.type === "string") return r.pick(STRINGS);
  if (s.type === "integer" || s.type === "number") return r.pick([0, -5, 2 ** 53, 1e15, 3.7, "12"]);
  if (s.type === "boolean") return r.pick([true, false, "true", 1]);
  return r.pick(VALUES(r));
}

function fuzzObject(r: ReturnType<typeof rng>, s: Schema, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s.properties ?? {})) if (r.next() < 0.75) out[k] = fuzzValue(r, v, depth);
  if (r.next() < 0.2) out[r.pick(["role", "extra", "__proto__", "constructor", "é"])] = r.pick(VALUES(r));
  return out;
}

/** A body: usually JSON shaped like the schema but wrong, sometimes not JSON at all. */
function fuzzBody(r: ReturnType<typeof rng>, op: Operation): { payload?: string | Buffer; contentType?: string } {
  const schema = op.requestBody?.content["application/json"]?.schema;
  switch (r.int(10)) {
    case 0:
      return {};
    case 1:
      return { payload: '{"email": "a@b.c",', contentType: "application/json" };
    case 2:
      return { payload: "email=a&password=b", contentType: r.pick(["application/x-www-form-urlencoded", "text/plain", "application/xml"]) };
    case 3:
      return { payload: Buffer.from([0xff, 0xfe, 0x00, 0x7b]), contentType: "application/json" };
    case 4:
      return {
        payload: `--b\r\nContent-Disposition: form-data; name="file"; filename="../x"\r\n\r\nzz\r\n--b`,
        contentType: "multipart/form-data; boundary=b",
      };
    case 5:
      return { payload: JSON.stringify(r.pick(VALUES(r))), contentType: "application/json" };
    case 6:
      return { payload: "[".repeat(5000) + "]".repeat(5000), contentType: "application/json" };
    default:
      return {
        payload: JSON.stringify(schema ? fuzzObject(r, schema) : fuzzValue(r, undefined)),
        contentType: r.pick(["application/json", "application/json; charset=utf-8", "APPLICATION/JSON"]),
      };
  }
}

const fillPath = (r: ReturnType<typeof rng>, path: string, op: Operation) =>
  path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const p = op.parameters?.find((x) => x.in === "path" && x.name === name);
    if (p?.schema?.enum && r.next() < 0.5) return String(r.pick(p.schema.enum));
    return encodeURIComponent(String(r.pick(STRINGS))).slice(0, r.pick([30, 3000]));
  });

const fillQuery = (r: ReturnType<typeof rng>, op: Operation) => {
  const q = new URLSearchParams();
  for (const p of op.parameters ?? []) if (p.in === "query" && r.next() < 0.7) q.set(p.name, String(r.pick(VALUES(r))).slice(0, 3000));
  if (r.next() < 0.1) q.set("unexpected", r.pick(STRINGS).slice(0, 100));
  return q.size ? `?${q}` : "";
};

describe("API fuzz from the OpenAPI document", () => {
  let h: Harness;
  let auths: { name: string; headers: Record<string, string> }[];
  beforeAll(async () => {
    h = await startHarness({ MAX_STREAMS_PER_USER: "1000" });
    const u = await h.user();
    await seedAdmin(h.deps.jobs, { email: "fuzz-admin@example.com", password: "fuzzing admin pw" }, h.deps.logger, h.deps.config.PASSWORD_HASH_COST);
    const admin = await login(h, "fuzz-admin@example.com", "fuzzing admin pw");
    auths = [
      { name: "none", headers: {} },
      { name: "garbage", headers: { authorization: "Bearer eyJhbGciOiJub25lIn0.e30." } },
      { name: "user", headers: u.auth },
      { name: "admin", headers: admin.auth },
    ];
  });
  afterAll(async () => {
    await h?.close();
  });

  type DocumentedError = { content?: Record<string, { schema?: { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } } }> };

  it("answers thousands of malformed requests to every route with no 5xx and no crash", async () => {
    const doc = h.app.swagger() as { paths: Record<string, Record<string, Operation>> };
    const r = rng(SEED);
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
    expect(routes.length).toBeGreaterThan(20);
    let sent = 0;
    const failures: string[] = [];
    // Every error code a route answered with must be one its document lists for that status.
    const undocumented = new Set<string>();
    const documents = (op: Operation, status: number, code: string) =>
      (op as { responses?: Record<string, DocumentedError> }).responses?.[status]?.content?.[
        "application/json"
      ]?.schema?.properties?.error?.properties?.code?.enum?.includes(code) === true;
    for (const { path, method, op } of routes) {
      for (const auth of auths) {
        // Logging out or changing the password with a good token would end the session the rest of the run uses;
        // GET /v1/events with a good token is a stream that never ends by itself (inject would wait for ever).
        if (auth.name !== "none" && auth.name !== "garbage" && ["/v1/auth/logout", "/v1/auth/password", "/v1/events"].includes(path)) continue;
        for (let i = 0; i < ROUNDS; i++) {
          const url = fillPath(r, path, op) + fillQuery(r, op);
          const body = method === "GET" || method === "DELETE" ? (r.next() < 0.1 ? fuzzBody(r, op) : {}) : fuzzBody(r, op);
          const headers: Record<string, string> = { ...auth.headers, ...(body.contentType ? { "content-type": body.contentType } : {}) };
          if (r.next() < 0.05) headers["last-event-id"] = r.pick(STRINGS).slice(0, 200);
          const res = await h.app.inject({ method: method as "GET", url, headers, ...(body.payload !== undefined ? { payload: body.payload } : {}) });
          sent++;
          if (res.statusCode >= 500) failures.push(`${method} ${url.slice(0, 120)} [${auth.name}] -> ${res.statusCode} ${res.body.slice(0, 200)}`);
          else if (res.statusCode >= 400 && /json/.test(String(res.headers["content-type"]))) {
            const e = (res.json() as { error?: { code?: unknown } }).error;
            if (typeof e?.code !== "string") failures.push(`${method} ${url.slice(0, 120)} [${auth.name}] -> ${res.statusCode} without an error code`);
            else if (!documents(op, res.statusCode, e.code)) undocumented.add(`${method} ${path}: ${res.statusCode} ${e.code}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect([...undocumented].sort()).toEqual([]);
    expect(sent).toBeGreaterThan(3000);
    // Still serving.
    expect((await h.app.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
    expect((await h.app.inject({ method: "GET", url: "/v1/jobs", headers: auths[2]!.headers })).statusCode).toBe(200);
  }, 120_000);
});
