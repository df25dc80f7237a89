import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SERVICE_NAMES } from "@mp4t/contracts";
import { librivoxClips } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login, startSystem, type RunningSystem } from "../e2e/system.ts";
import { parentOf, startJaeger, tag, type JaegerSpan, type JaegerTrace, type RunningJaeger } from "./jaeger.ts";
import { eventually, newUser, untilEnded, upload } from "./jobs.ts";
import { METRICS_TOKEN } from "../load/load-env.ts";
import { has, scrape, total, type Sample } from "./prometheus.ts";

/**
 * Observability end to end: a real Jaeger v2 and the whole system as processes (scripts/start.mjs)
 * exporting OTLP to it. One upload must come back from Jaeger's query API as ONE trace holding
 * spans from all six services, linked parent to child from the HTTP request down to the janitor;
 * and every service's Prometheus metrics must move while the job runs.
 */
describe("observability: one trace per job, metrics from every service", () => {
  let jaeger: RunningJaeger;
  let sys: RunningSystem;
  let media: string;
  let adminToken: string;
  const metricsUrls = new Map<string, string>();
  const before = new Map<string, Sample[]>();
  let jobId = "";
  let chunks = 0;

  beforeAll(async () => {
    media = await mkdtemp(join(tmpdir(), "mp4t-obs-"));
    jaeger = await startJaeger();
    sys = await startSystem({
      OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpUrl,
      METRICS_PORT: "0", // every process picks a free port and advertises it in discovery
      METRICS_TOKEN, // the gateway's /metrics on its API port
      CHUNK_MAX_SEC: "3", // a 7 s clip fans out into several chunks
      CHUNK_SEARCH_SEC: "1",
    });
    adminToken = await login(sys.url, sys.admin.email, sys.admin.password);
  }, 120_000);

  afterAll(async () => {
    await sys?.stop();
    await jaeger?.stop();
    await rm(media, { recursive: true, force: true });
  }, 60_000);

  it("serves Prometheus metrics from all six services, labelled with the service", async () => {
    const instances = await eventually("all six services in discovery", async () => {
      const r = await api<{ name: string; stats: { metricsPort?: number } | null }[]>(sys.url, "/v1/admin/services", { token: adminToken });
      const workers = r.body.filter((i) => i.name !== "gateway" && i.stats?.metricsPort);
      return workers.length === SERVICE_NAMES.length - 1 ? r.body : undefined;
    });
    metricsUrls.set("gateway", `${sys.url}/metrics`);
    for (const i of instances) if (i.name !== "gateway") metricsUrls.set(i.name, `http://127.0.0.1:${i.stats!.metricsPort}/metrics`);
    expect([...metricsUrls.keys()].sort()).toEqual([...SERVICE_NAMES].sort());
    for (const [service, url] of metricsUrls) {
      const samples = await scrape(url, service === "gateway" ? METRICS_TOKEN : undefined);
      before.set(service, samples);
      // A process hosting several services (all-in-one, split's workers): one registry, served on one
      // port, labelled all-in-one; the stage labels tell the services apart.
      const alone = sys.processes === "separate" || (sys.processes === "split" && service === "gateway");
      const label = alone ? service : "all-in-one";
      expect(samples.find((s) => s.name === "process_resident_memory_bytes")?.labels.service, service).toBe(label);
      expect(has(samples, "nodejs_eventloop_lag_seconds"), service).toBe(true);
    }
    // Workers report their lanes' backlog from JetStream consumer info.
    expect(has(before.get("transcriber")!, "mp4t_lane_messages")).toBe(true);
    expect(total(before.get("transcriber")!, "mp4t_lane_oldest_waiting_seconds", { stage: "transcribe" })).toBe(0);
  });

  it("turns one upload into ONE trace with spans from all six services, correctly parented", async () => {
    const clip = (await librivoxClips()).sort((a, b) => b.durationSec - a.durationSec)[0]!;
    const token = await newUser(sys, "tracer@obs.test");
    const job = await upload(sys, token, clip.path, { enhance: ["summary"] });
    jobId = job.id;
    const done = await untilEnded(sys, token, job.id);
    expect(done.status, JSON.stringify(done.error)).toBe("completed");

    // Spans reach Jaeger in batches; the janitor's cleanup runs last, after the job completed.
    const byJob = JSON.stringify({ "mp4t.job_id": job.id });
    const trace = await eventually(
      "a trace reaching the janitor",
      async () => {
        const found = await jaeger.traces("mp4t-ingest", { tags: byJob });
        if (found.length !== 1) return undefined;
        const t = await jaeger.trace(found[0]!.traceID);
        return t &&
          serviceOf(
            t,
            t.spans.find((s) => s.operationName.startsWith("process mp4t.v1.work.low.cleanup")),
          )
          ? t
          : undefined;
      },
      60_000,
    );

    // Exactly one trace mentions the job, from any service.
    for (const service of SERVICE_NAMES.filter((s) => s !== "gateway")) {
      const traces = await jaeger.traces(`mp4t-${service}`, { tags: byJob });
      expect(
        traces.map((t) => t.traceID),
        service,
      ).toEqual([trace.traceID]);
    }
    expect(new Set(trace.spans.map((s) => serviceOf(trace, s)))).toEqual(new Set(SERVICE_NAMES.map((s) => `mp4t-${s}`)));

    // One root: the upload request. Every other span's parent is in the trace.
    const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
    const roots = trace.spans.filter((s) => parentOf(s) === null);
    expect(roots.map((s) => `${serviceOf(trace, s)} ${s.operationName}`)).toEqual(["mp4t-gateway POST /v1/jobs"]);
    for (const s of trace.spans) if (parentOf(s)) expect(byId.has(parentOf(s)!), s.operationName).toBe(true);

    // Every process span continues the publish span of the message it processes.
    const processes = trace.spans.filter((s) => tag(s, "span.kind") === "consumer");
    for (const p of processes) {
      const parent = byId.get(parentOf(p)!)!;
      expect(tag(parent, "span.kind"), p.operationName).toBe("producer");
      expect(tag(parent, "messaging.destination.name")).toBe(tag(p, "messaging.destination.name"));
      expect(tag(p, "messaging.system")).toBe("nats");
      expect(tag(p, "mp4t.job_id")).toBe(job.id);
    }
    const stagesOf = (service: string) => processes.filter((s) => serviceOf(trace, s) === `mp4t-${service}`);
    expect(stagesOf("ingest").map((s) => tag(s, "mp4t.stage"))).toEqual(["ingest"]);
    expect(byId.get(parentOf(byId.get(parentOf(stagesOf("ingest")[0]!)!)!)!)).toBe(roots[0]);

    // Every chunk's transcription is in the trace, each under a publish made by ingest.
    const transcribes = stagesOf("transcriber");
    const published = trace.spans.filter((s) => tag(s, "span.kind") === "producer" && tag(s, "mp4t.stage") === "transcribe");
    chunks = published.length;
    expect(chunks).toBeGreaterThan(1);
    expect(new Set(transcribes.map((s) => tag(s, "mp4t.chunk.index")))).toEqual(new Set([...Array(chunks).keys()]));
    for (const p of published) expect(serviceOf(trace, byId.get(parentOf(p)!)!)).toBe("mp4t-ingest");
    for (const s of transcribes) expect(tag(s, "mp4t.engine")).toBe("pocketsphinx");

    // The chain runs down to the janitor: cleanup <- enhance <- diarize <- a chunk <- ingest <- POST.
    const chain = ancestors(stagesOf("janitor")[0]!, byId).map((s) => `${serviceOf(trace, s)}:${tag(s, "span.kind")}`);
    expect(chain.filter((c) => c.endsWith(":consumer"))).toEqual([
      "mp4t-janitor:consumer",
      "mp4t-enhancer:consumer",
      "mp4t-diarizer:consumer",
      "mp4t-transcriber:consumer",
      "mp4t-ingest:consumer",
    ]);
    expect(chain.at(-1)).toBe("mp4t-gateway:server");
    console.log(
      `[observability] trace ${trace.traceID}: ${trace.spans.length} spans, ${chunks} chunks, ${new Set(trace.spans.map((s) => s.processID)).size} processes`,
    );
  }, 180_000);

  it("moves the key series of every service while the job runs", async () => {
    expect(jobId).not.toBe("");
    const after = new Map<string, Sample[]>();
    // The janitor's cleanup is the last to finish; its counter tells the scrape is late enough.
    await eventually("janitor counted its cleanup", async () => {
      const s = await scrape(metricsUrls.get("janitor")!);
      return total(s, "mp4t_stage_messages_total", { stage: "cleanup", outcome: "ack" }) >
        total(before.get("janitor")!, "mp4t_stage_messages_total", { stage: "cleanup", outcome: "ack" })
        ? s
        : undefined;
    });
    for (const [service, url] of metricsUrls) after.set(service, await scrape(url, service === "gateway" ? METRICS_TOKEN : undefined));
    const delta = (service: string, name: string, match: Record<string, string> = {}) =>
      total(after.get(service)!, name, match) - total(before.get(service)!, name, match);

    expect(delta("gateway", "mp4t_upload_bytes_total", { outcome: "accepted" })).toBeGreaterThan(100_000);
    expect(delta("gateway", "mp4t_upload_duration_seconds_count", { outcome: "accepted" })).toBe(1);
    expect(delta("gateway", "mp4t_http_requests_total", { route: "/v1/jobs/:id", status_code: "200" })).toBeGreaterThan(0);
    expect(delta("ingest", "mp4t_stage_messages_total", { stage: "ingest", outcome: "ack" })).toBe(1);
    expect(delta("transcriber", "mp4t_stage_messages_total", { stage: "transcribe", outcome: "ack" })).toBe(chunks);
    expect(delta("transcriber", "mp4t_stage_duration_seconds_count", { stage: "transcribe" })).toBe(chunks);
    expect(delta("transcriber", "mp4t_engine_real_time_factor_count", { engine: "pocketsphinx" })).toBe(chunks);
    expect(delta("transcriber", "mp4t_engine_audio_seconds_total", { engine: "pocketsphinx" })).toBeGreaterThan(6);
    expect(delta("diarizer", "mp4t_stage_messages_total", { stage: "diarize", outcome: "ack" })).toBe(1);
    expect(delta("enhancer", "mp4t_stage_messages_total", { stage: "enhance", outcome: "ack" })).toBe(1);
    expect(delta("janitor", "mp4t_stage_messages_total", { stage: "cleanup", outcome: "ack" })).toBeGreaterThanOrEqual(1);
    for (const service of SERVICE_NAMES.filter((s) => s !== "gateway")) {
      expect(total(after.get(service)!, "mp4t_stage_in_flight"), service).toBe(0);
      expect(delta(service, "mp4t_dead_letters_total"), service).toBe(0);
    }
    const audio = delta("transcriber", "mp4t_engine_audio_seconds_total", { engine: "pocketsphinx" });
    const processing = delta("transcriber", "mp4t_engine_processing_seconds_total", { engine: "pocketsphinx" });
    console.log(
      `[observability] pocketsphinx: ${audio.toFixed(2)} s audio in ${processing.toFixed(2)} s (${(audio / processing).toFixed(2)}x real time) over ${chunks} chunks`,
    );
  }, 60_000);
});

function serviceOf(t: JaegerTrace, s: JaegerSpan | undefined): string | undefined {
  return s ? t.processes[s.processID]?.serviceName : undefined;
}

function ancestors(s: JaegerSpan, byId: Map<string, JaegerSpan>): JaegerSpan[] {
  const out = [s];
  for (let p = parentOf(s); p; p = parentOf(byId.get(p)!)) out.push(byId.get(p)!);
  return out;
}
