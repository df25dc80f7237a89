import { WHISPER_LANGUAGES, type InstanceCapabilities } from "@mp4t/contracts";
import { createDiscovery } from "@mp4t/messaging/internal";
import type { Discovery } from "@mp4t/messaging";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../src/app.ts";
import { createCapabilitiesSource } from "../src/capabilities/capabilities-source.ts";
import { bytes, errorCode, multipart, startHarness, uploadBody, type Harness } from "./harness.ts";

let h: Harness;
let app: FastifyInstance;
let auth: { authorization: string };
const replicas: Awaited<ReturnType<Discovery["register"]>>[] = [];

/** Registers a worker replica in service discovery the way the runtime does, advertising `caps`. */
async function replica(service: "ingest" | "transcriber" | "diarizer" | "enhancer", caps: InstanceCapabilities) {
  replicas.push(await createDiscovery(h.nc).register({ service, lanes: [], stats: () => ({}), capabilities: caps }));
}

const POCKETSPHINX = { id: "pocketsphinx", default: true, languages: ["en-us"], wordTimestamps: true, speakers: false };
const LOCAL_ENHANCER = { summary: true, notes: true, cleanText: true, translate: { available: false, languages: [] } };

beforeAll(async () => {
  h = await startHarness({ MAX_UPLOAD_BYTES: "65536", MAX_ACTIVE_JOBS_PER_USER: "7" });
  // ttl 0: every request reads discovery, so each test sees the replicas it registered.
  app = buildApp({
    ...h.deps,
    capabilities: createCapabilitiesSource({
      discovery: h.deps.messaging.discovery,
      logger: h.deps.logger,
      maxUploadBytes: 65536,
      maxActiveJobs: 7,
      ttlMs: 0,
      windowMs: 300,
    }),
  });
  await app.ready();
  auth = (await h.user()).auth;
});
afterAll(async () => {
  for (const r of replicas) await r.stop();
  await app?.close();
  await h?.close();
});

const capabilities = async () => {
  const res = await app.inject({ method: "GET", url: "/v1/capabilities", headers: auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const post = (body: { payload: Buffer; headers: Record<string, string> }) =>
  app.inject({ method: "POST", url: "/v1/jobs", payload: body.payload, headers: { ...body.headers, ...auth } });

describe("GET /v1/capabilities and the upload check", () => {
  it("needs a signed-in caller", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/capabilities" });
    expect(res.statusCode).toBe(401);
  });

  it("with no worker running, shows nothing available and leaves the options to the workers", async () => {
    expect(await capabilities()).toEqual({
      engines: [],
      diarization: { available: false, maxSpeakers: 0 },
      enhancements: { summary: false, notes: false, cleanText: false, translate: { available: false, languages: [] } },
      formats: ["json", "txt", "srt", "vtt", "md"],
      limits: { maxUploadBytes: 65536, maxDurationSec: null, maxActiveJobs: 7 },
      uploads: { resumable: { protocol: "tus", endpoint: "/v1/uploads", version: "1.0.0" } },
    });
    const res = await post(uploadBody(bytes(100), { language: "fr" }));
    expect(res.statusCode, res.body).toBe(202);
  });

  it("joins what the live replicas advertise: engines every transcriber has, the lowest limits", async () => {
    await replica("ingest", { maxDurationSec: 7200 });
    await replica("ingest", { maxDurationSec: 3600 });
    await replica("transcriber", { engines: [POCKETSPHINX] });
    // A second transcriber also has an OpenAI engine: any replica may take a job, so it is not offered.
    await replica("transcriber", {
      engines: [POCKETSPHINX, { id: "openai", default: false, languages: [...WHISPER_LANGUAGES], wordTimestamps: true, speakers: false }],
    });
    await replica("diarizer", { diarization: { available: true, maxSpeakers: 4 } });
    await replica("enhancer", { enhancements: LOCAL_ENHANCER });
    expect(await capabilities()).toMatchObject({
      engines: [POCKETSPHINX],
      diarization: { available: true, maxSpeakers: 4 },
      enhancements: LOCAL_ENHANCER,
      limits: { maxUploadBytes: 65536, maxDurationSec: 3600, maxActiveJobs: 7 },
    });
  });

  it.each([
    ["a language no engine model serves", { language: "fr" }, { option: "language", value: "fr", available: ["en-us"] }],
    ["an engine not configured on every transcriber", { engine: "openai" }, { option: "engine", value: "openai", available: ["pocketsphinx"] }],
    [
      "a translation without a provider that translates",
      { enhance: ["summary", "translate:de"] },
      { option: "enhance", value: "translate:de", available: ["clean", "summary", "notes"] },
    ],
    ["more speakers than the diarizer tells apart", { speakers: 6 }, { option: "speakers", value: 6, available: [1, 2, 3, 4] }],
  ])("refuses %s with 400 OPTION_UNSUPPORTED before storing a byte", async (_name, options, details) => {
    const put = vi.spyOn(h.deps.blobs, "put");
    try {
      const res = await post(uploadBody(bytes(1000), options));
      expect(res.statusCode, res.body).toBe(400);
      expect(errorCode(res)).toBe("OPTION_UNSUPPORTED");
      expect(res.json().error.details).toEqual(details);
      expect(res.json().error.message).toContain(String(details.value));
      expect(put).not.toHaveBeenCalled();
    } finally {
      put.mockRestore();
    }
  });

  it("refuses options sent after the file too, and removes the stored file", async () => {
    const before = (await h.deps.blobs.list("jobs/")).map((b) => b.key);
    const res = await post(
      multipart([
        { name: "file", filename: "x.mp4", data: bytes(1000) },
        { name: "options", data: '{"language":"de"}' },
      ]),
    );
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details).toMatchObject({ option: "language", value: "de" });
    expect((await h.deps.blobs.list("jobs/")).map((b) => b.key)).toEqual(before);
  });

  it("accepts what is served: regional English, the default engine, speakers within the limit", async () => {
    const res = await post(
      uploadBody(bytes(1000), { language: "en-GB", engine: "pocketsphinx", speakers: 4, enhance: ["summary", "notes", "clean"], audioTrack: 1 }),
    );
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().options).toMatchObject({ language: "en-GB", audioTrack: 1 });
  });

  it("refuses a re-run of enhancements the enhancers cannot make", async () => {
    const res = await post(uploadBody(bytes(1000), {}));
    const ref = { userId: (app.jwt.decode(auth.authorization.slice("Bearer ".length)) as { sub: string }).sub, jobId: res.json().id as string };
    // Completed as the pipeline would complete it.
    await h.deps.lifecycle.stageStarted(ref, "ingest");
    await h.deps.lifecycle.complete(ref);
    const rerun = (kinds: string[]) => app.inject({ method: "POST", url: `/v1/jobs/${ref.jobId}/enhance`, headers: auth, payload: { kinds } });
    const refused = await rerun(["translate:de"]);
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().error).toMatchObject({ code: "OPTION_UNSUPPORTED", details: { option: "enhance", value: "translate:de" } });
    expect((await rerun(["summary"])).statusCode).toBe(202);
  });
});
