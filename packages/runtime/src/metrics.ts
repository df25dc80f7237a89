import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Lane, Stage } from "@mp4t/contracts";
import client from "prom-client";
import { createLagMonitor, type LagStats } from "./lag-monitor.ts";
import { Mp4tAttr } from "./telemetry-attributes.ts";
import { annotateActiveSpan } from "./telemetry.ts";

/**
 * Prometheus metrics, one registry per process, every series labelled with its service.
 * Workers serve them on METRICS_PORT (`startMetricsServer`), the gateway on GET /metrics.
 */
export const registry = new client.Registry();
let labelled: string | undefined;

/**
 * Labels every series with the process's service; a process that hosts several (the all-in-one
 * process) is labelled `all-in-one` (the stage and route labels still tell the services apart).
 */
export function initMetrics(service: string): void {
  if (labelled !== undefined) {
    if (labelled !== service) registry.setDefaultLabels({ service: (labelled = "all-in-one") });
    return;
  }
  registry.setDefaultLabels({ service: (labelled = service) });
  // Process memory, CPU, GC, handles: prom-client's standard Node.js set. Its event-loop lag
  // histogram samples on a timer that never stops, which was an idle process's only wake-up: it
  // gets a period so long that it never fires, and its series are replaced by the same names fed
  // from `lagMonitor`, which samples only while the process has work.
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: NEVER_MS });
  for (const name of LAG_SERIES) registry.removeSingleMetric(name);
  registerLagSeries();
}

const NEVER_MS = 2 ** 31 - 1; // about 24.8 days, the largest timer libuv is given here
const LAG_SERIES = ["", "_min", "_max", "_mean", "_stddev", "_p50", "_p90", "_p99"].map((s) => `nodejs_eventloop_lag${s}_seconds`);

/**
 * The process's event-loop lag monitor (`lag-monitor.ts`): sampled every 100 ms (a stall that long
 * is always seen) from the first HTTP request or delivery until 2 s after the last (a worker marks
 * every busy tick of its runner, so a long delivery is sampled throughout; the gateway marks each
 * request's start and end, and every second while a body is still arriving). Each sample wakes an
 * idle process: 15 s of tail cost 50-70 ms of CPU per process after every burst on a 2-core VM
 * (docs/architecture.md, "Idle after a burst"). Call `lagMonitor.markActive()` where work arrives.
 * Every worker's autoscaler in the process reads it too (`maxSince`), so a process has one sampler.
 */
export const lagMonitor = createLagMonitor({ sampleMs: 100, idleMs: 2_000 });

/** prom-client's lag series (same names), from `lagMonitor`: the delay beyond the sampling period, 0 over a scrape interval with no samples. */
function registerLagSeries() {
  const gauge = (name: string, help: string, aggregator: "average" | "min" | "max", collect?: () => void) =>
    new client.Gauge({ name, help, registers: [registry], aggregator, ...(collect ? { collect } : {}) });
  const [lag, min, max, mean, stddev, p50, p90, p99] = LAG_SERIES;
  // First in the registry: its collect sets the others before they are read (as in prom-client).
  const now = gauge(lag!, "Lag of event loop in seconds.", "average", () => {
    // As prom-client does: the delay of one setImmediate, seen by the next scrape.
    const start = process.hrtime.bigint();
    setImmediate(() => now.set(Number(process.hrtime.bigint() - start) / 1e9));
    const stats = lagMonitor.read();
    for (const [key, g] of Object.entries(gauges) as [keyof LagStats, client.Gauge][]) g.set(stats[key]);
  });
  const gauges: Record<keyof LagStats, client.Gauge> = {
    min: gauge(min!, "The minimum recorded event loop delay.", "min"),
    max: gauge(max!, "The maximum recorded event loop delay.", "max"),
    mean: gauge(mean!, "The mean of the recorded event loop delays.", "average"),
    stddev: gauge(stddev!, "The standard deviation of the recorded event loop delays.", "average"),
    p50: gauge(p50!, "The 50th percentile of the recorded event loop delays.", "average"),
    p90: gauge(p90!, "The 90th percentile of the recorded event loop delays.", "average"),
    p99: gauge(p99!, "The 99th percentile of the recorded event loop delays.", "average"),
  };
}

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800];
const reg = { registers: [registry] };

export const stageMessages = new client.Counter({
  name: "mp4t_stage_messages_total",
  help: "Deliveries handled, by stage and outcome (ack, retry, dead_letter, rejected, interrupted).",
  labelNames: ["stage", "outcome"] as const,
  ...reg,
});
export const stageDuration = new client.Histogram({
  name: "mp4t_stage_duration_seconds",
  help: "Time from receiving a delivery to its outcome.",
  labelNames: ["stage", "outcome"] as const,
  buckets: SECONDS,
  ...reg,
});
export const stageInFlight = new client.Gauge({
  name: "mp4t_stage_in_flight",
  help: "Deliveries being worked on by this process.",
  labelNames: ["stage"] as const,
  ...reg,
});
export const stageRetries = new client.Counter({
  name: "mp4t_stage_retries_total",
  help: "Deliveries that failed retryably and were handed back with backoff.",
  labelNames: ["stage"] as const,
  ...reg,
});
export const stageRedeliveries = new client.Counter({
  name: "mp4t_stage_redeliveries_total",
  help: "Deliveries that were not the message's first.",
  labelNames: ["stage"] as const,
  ...reg,
});
export const deadLetters = new client.Counter({
  name: "mp4t_dead_letters_total",
  help: "Messages given up on and written to MP4T_DLQ.",
  labelNames: ["stage"] as const,
  ...reg,
});

export const engineAudioSeconds = new client.Counter({
  name: "mp4t_engine_audio_seconds_total",
  help: "Seconds of audio transcribed, by engine.",
  labelNames: ["engine"] as const,
  ...reg,
});
export const engineProcessingSeconds = new client.Counter({
  name: "mp4t_engine_processing_seconds_total",
  help: "Wall-clock seconds engines spent transcribing.",
  labelNames: ["engine"] as const,
  ...reg,
});
export const engineRealTimeFactor = new client.Histogram({
  name: "mp4t_engine_real_time_factor",
  help: "Audio seconds transcribed per processing second, per chunk (higher is faster; 1 = real time).",
  labelNames: ["engine"] as const,
  buckets: [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128],
  ...reg,
});

export const httpRequests = new client.Counter({
  name: "mp4t_http_requests_total",
  help: "HTTP requests served, by method, route and status.",
  labelNames: ["method", "route", "status_code"] as const,
  ...reg,
});
export const httpDuration = new client.Histogram({
  name: "mp4t_http_request_duration_seconds",
  help: "HTTP request durations.",
  labelNames: ["method", "route"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
  ...reg,
});
export const uploadBytes = new client.Counter({
  name: "mp4t_upload_bytes_total",
  help: "Bytes of media received in uploads, by outcome.",
  labelNames: ["outcome"] as const,
  ...reg,
});
export const uploadDuration = new client.Histogram({
  name: "mp4t_upload_duration_seconds",
  help: "Time to receive and queue one upload, by outcome.",
  labelNames: ["outcome"] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
  ...reg,
});
export const uploadSize = new client.Histogram({
  name: "mp4t_upload_size_bytes",
  help: "Size of accepted uploads.",
  buckets: [1e5, 1e6, 1e7, 5e7, 1e8, 5e8, 1e9, 2e9],
  ...reg,
});

const diskSources: (() => Promise<{ place: string; freeBytes: number }[]>)[] = [];
/** Free bytes where uploads land, read at each scrape from the sources `addDiskFreeSource` gave. */
new client.Gauge({
  name: "mp4t_disk_free_bytes",
  help: "Bytes free on the disks uploads are written to (the file blob store's, the resumable upload scratch area's); uploads are refused (503 STORAGE_FULL) below UPLOAD_MIN_FREE_BYTES.",
  labelNames: ["place"] as const,
  ...reg,
  async collect() {
    this.reset();
    for (const source of diskSources) for (const d of await source().catch(() => [])) this.set({ place: d.place }, d.freeBytes);
  },
});
/** Feeds `mp4t_disk_free_bytes` (the gateway's disk guard) until the returned function is called. */
export function addDiskFreeSource(source: () => Promise<{ place: string; freeBytes: number }[]>): () => void {
  diskSources.push(source);
  return () => {
    const at = diskSources.indexOf(source);
    if (at >= 0) diskSources.splice(at, 1);
  };
}

/** A transcription engine finished one chunk: feeds the real-time-factor series and the span. */
export function observeEngineRun(engine: string, audioSec: number, processingSec: number): void {
  annotateActiveSpan({ [Mp4tAttr.ENGINE]: engine, [Mp4tAttr.MEDIA_DURATION_SEC]: audioSec });
  engineAudioSeconds.inc({ engine }, Math.max(0, audioSec));
  engineProcessingSeconds.inc({ engine }, Math.max(0, processingSec));
  if (audioSec > 0 && processingSec > 0) engineRealTimeFactor.observe({ engine }, audioSec / processingSec);
}

// --- lanes (collected from JetStream on each scrape) -------------------------------------------
/** One stage's backlog as the lane gauges show it (messaging's queue snapshot fits it). */
export type LaneGaugeRow = {
  lane: Lane;
  stage: Stage;
  byClass: Record<string, number>;
  pending: number;
  ackPending: number;
  redelivered: number;
  oldestAgeSec: number | null;
  paused: boolean;
};
const laneSources: (() => Promise<LaneGaugeRow[]>)[] = [];
let laneCache: { at: number; value: Promise<LaneGaugeRow[]> } | undefined;
const lanes = async (): Promise<LaneGaugeRow[]> => {
  if (!laneSources.length) return [];
  if (!laneCache || Date.now() - laneCache.at > 1000) {
    const read = Promise.all(laneSources.map((s) => s().catch(() => [])));
    laneCache = { at: Date.now(), value: read.then((rows) => rows.flat()) };
  }
  return laneCache.value;
};

function laneGauge(name: string, help: string, labels: readonly string[], set: (g: client.Gauge<string>, b: LaneGaugeRow) => void) {
  return new client.Gauge({
    name,
    help,
    labelNames: labels,
    ...reg,
    async collect() {
      this.reset();
      for (const b of await lanes()) set(this, b);
    },
  });
}
laneGauge(
  "mp4t_lane_messages",
  "Messages of a stage in its lane's work-queue stream (waiting or in progress), by job class.",
  ["lane", "stage", "class"],
  (g, b) => {
    for (const [cls, n] of Object.entries(b.byClass)) g.set({ lane: b.lane, stage: b.stage, class: cls }, n);
  },
);
laneGauge("mp4t_lane_pending_messages", "Messages not yet delivered to any replica (consumer num_pending).", ["lane", "stage"], (g, b) =>
  g.set({ lane: b.lane, stage: b.stage }, b.pending),
);
laneGauge("mp4t_lane_ack_pending_messages", "Messages delivered and not yet acknowledged (consumer num_ack_pending).", ["lane", "stage"], (g, b) =>
  g.set({ lane: b.lane, stage: b.stage }, b.ackPending),
);
laneGauge("mp4t_lane_redelivered_messages", "Messages redelivered at least once and not yet acknowledged.", ["lane", "stage"], (g, b) =>
  g.set({ lane: b.lane, stage: b.stage }, b.redelivered),
);
laneGauge(
  "mp4t_lane_oldest_waiting_seconds",
  "Age of the oldest message of the stage not yet delivered to any replica (0 when none waits).",
  ["lane", "stage"],
  (g, b) => g.set({ lane: b.lane, stage: b.stage }, b.oldestAgeSec ?? 0),
);
laneGauge("mp4t_lane_paused", "1 while the stage's consumer is paused by an admin.", ["lane", "stage"], (g, b) =>
  g.set({ lane: b.lane, stage: b.stage }, b.paused ? 1 : 0),
);

/**
 * Adds what the lane gauges read on each scrape: a worker's own stages (messaging's `observeLanes`).
 * One per worker service in the process (several in the all-in-one process).
 */
export function addLaneSource(source: () => Promise<LaneGaugeRow[]>): void {
  laneSources.push(source);
  laneCache = undefined;
}

// --- the listener workers serve ----------------------------------------------------------------
let listening: { port: number } | undefined;

/** Where this process serves /metrics, if it does (advertised in discovery stats). */
export const metricsEndpoint = (): { port: number } | undefined => listening;

export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** A tiny HTTP listener for Prometheus: GET /metrics. Port 0 picks a free one. */
export async function startMetricsServer(port: number, host: string): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found; try /metrics\n");
      return;
    }
    metricsText().then(
      (m) => res.writeHead(200, { "content-type": m.contentType }).end(m.body),
      (err: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`${(err as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  server.unref();
  listening = { port: (server.address() as AddressInfo).port };
  return {
    port: listening.port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The per-stage series the worker runner's instrumentation (in messaging) feeds. */
export const stageSeries = {
  messages: stageMessages,
  duration: stageDuration,
  inFlight: stageInFlight,
  retries: stageRetries,
  redeliveries: stageRedeliveries,
  deadLetters,
};
