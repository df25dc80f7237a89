import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentationProblems, openApiDocument } from "../src/index.ts";

const run = promisify(execFile);
const configDir = join(dirname(fileURLToPath(import.meta.url)), "../openapi");
const redocly = join(dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")), "bin/cli.js");
const dir = mkdtempSync(join(tmpdir(), "mp4t-openapi-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: the assertions walk the JSON document by path
type Doc = Record<string, any>;
let doc: Doc;
beforeAll(async () => {
  doc = await openApiDocument();
});

/** `redocly lint` with the committed config (recommended-strict) on a document; its JSON report. */
async function lint(document: Doc): Promise<{ ok: boolean; problems: { ruleId: string; message: string; location: { pointer: string }[] }[] }> {
  const sub = mkdtempSync(join(dir, "lint-"));
  writeFileSync(join(sub, "openapi.json"), JSON.stringify(document, null, 2));
  for (const f of ["redocly.yaml", ".redocly.lint-ignore.yaml"]) copyFileSync(join(configDir, f), join(sub, f));
  const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" };
  const args = [redocly, "lint", "openapi.json", "--format", "json"];
  const out = await run(process.execPath, args, { cwd: sub, env, timeout: 30_000 }).then(
    (r) => ({ ok: true, stdout: r.stdout }),
    (err: { stdout?: string; code?: number }) => {
      if (typeof err.stdout !== "string" || !err.stdout.includes("{")) throw err;
      return { ok: false, stdout: err.stdout };
    },
  );
  const report = JSON.parse(out.stdout.slice(out.stdout.indexOf("{"))) as { problems: never[] };
  return { ok: out.ok, problems: report.problems };
}

describe("the OpenAPI document", () => {
  it("passes redocly lint with recommended-strict", async () => {
    const report = await lint(doc);
    expect(report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("fails redocly lint when an operation loses its operationId or a response", async () => {
    const broken = structuredClone(doc);
    delete broken.paths["/v1/jobs"].post.operationId;
    broken.paths["/v1/jobs/{id}"].get.responses = { 200: broken.paths["/v1/jobs/{id}"].get.responses[200] };
    const report = await lint(broken);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.ruleId)).toEqual(expect.arrayContaining(["operation-operationId", "operation-4xx-response"]));
  });

  it("follows the route convention: operationId, one known tag, summary, 2xx, error examples", () => {
    expect(documentationProblems(doc)).toEqual([]);
    const broken = structuredClone(doc);
    delete broken.paths["/v1/me"].get.operationId;
    broken.paths["/v1/me"].get.tags = ["misc"];
    expect(documentationProblems(broken)).toEqual(["GET /v1/me: no operationId", expect.stringMatching(/^GET \/v1\/me: needs one tag of auth, /)]);
  });

  it("documents the upload as multipart, the transcript formats, the event stream, /metrics and both bearer schemes", () => {
    const upload = doc.paths["/v1/jobs"].post;
    expect(upload.requestBody.content["multipart/form-data"].schema).toMatchObject({
      required: ["file"],
      properties: { file: { type: "string", format: "binary" }, options: { type: "string" } },
    });
    const transcript = doc.paths["/v1/jobs/{id}/transcript"].get.responses[200].content;
    expect(Object.keys(transcript).sort()).toEqual(["application/json", "application/x-subrip", "text/markdown", "text/plain", "text/vtt"]);
    expect(transcript["application/json"].schema).toEqual({ $ref: "#/components/schemas/Transcript" });
    expect(doc.components.schemas.Transcript.properties.segments.type).toBe("array");
    expect(doc.paths["/v1/jobs/{id}/events"].get.responses[200].content["text/event-stream"].schema).toEqual({ $ref: "#/components/schemas/JobEvent" });
    expect(doc.paths["/metrics"].get.responses[200].content["text/plain"]).toBeDefined();
    expect(doc.components.securitySchemes).toMatchObject({ bearerAuth: { scheme: "bearer", bearerFormat: "JWT" }, apiKey: { scheme: "bearer" } });
    expect(doc.paths["/v1/jobs"].get.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
    expect(doc.paths["/v1/admin/services"].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.servers).toEqual([{ url: "/", description: expect.any(String) }]);
  });

  it("lists each route's own error codes, with an example of each", () => {
    const get = doc.paths["/v1/jobs/{id}/transcript"].get.responses;
    expect(get[409].content["application/json"].schema.properties.error.properties.code.enum).toEqual(["TRANSCRIPT_NOT_READY"]);
    expect(Object.keys(get[404].content["application/json"].examples)).toEqual(["NOT_FOUND"]);
    const upload = doc.paths["/v1/jobs"].post.responses;
    expect(Object.keys(upload[413].content["application/json"].examples)).toEqual(["FILE_TOO_LARGE", "STORAGE_QUOTA_EXCEEDED"]);
    expect(upload[400].content["application/json"].examples.FILE_MISSING.value).toEqual({ error: { code: "FILE_MISSING", message: expect.any(String) } });
    expect(Object.keys(upload[429].content["application/json"].examples)).toEqual(["TOO_MANY_ACTIVE_JOBS", "RATE_LIMITED"]);
  });
});
