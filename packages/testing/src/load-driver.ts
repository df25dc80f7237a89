import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { FormData, Pool } from "undici";
import type { LoadMetrics } from "./load-metrics.ts";

/**
 * A small load driver for user journeys through our HTTP API, on undici (MIT): a connection pool
 * to one origin that counts every request the way k6 did (`http_reqs`, `http_req_failed` for a
 * status >= 400 or no answer, `server_errors` for 5xx, `http_req_duration`), closed-model users
 * (k6's per-vu-iterations) and open-model arrivals in phases (Artillery's arrivalRate / rampTo).
 * docs/architecture.md says why it replaced k6 (AGPL-3.0) and not Artillery.
 */

/** The driver only ever loads this machine: anything but a loopback http origin is refused. */
export function assertLoopback(url: string): URL {
  const u = new URL(url);
  const loopback = /^127(\.\d{1,3}){3}$/.test(u.hostname) || u.hostname === "[::1]";
  if (u.protocol !== "http:" || !loopback) throw new Error(`the load driver only talks to http://127.0.0.1 (got ${u.origin})`);
  return u;
}

export type LoadResponse = {
  /** 0 when no answer came (refused, reset, timed out). */
  status: number;
  text: string;
  /** Request start to the end of the body, in seconds. */
  seconds: number;
  error?: string;
  json<T = Record<string, unknown>>(): T | undefined;
};

export type LoadRequest = {
  method?: "GET" | "POST" | "DELETE";
  headers?: Record<string, string>;
  /** A string is sent as JSON; FormData as multipart/form-data. */
  body?: string | FormData;
  timeoutMs?: number;
  signal?: AbortSignal;
};

export type LoadClientOptions = {
  baseUrl: string;
  metrics: LoadMetrics;
  /** Sockets at most; requests beyond wait in the pool (k6 had one per virtual user). */
  connections: number;
  /** Per request unless the request says otherwise (60 s). */
  timeoutMs?: number;
};

export class LoadClient {
  readonly #pool: Pool;
  readonly #metrics: LoadMetrics;
  readonly #timeoutMs: number;

  constructor(opts: LoadClientOptions) {
    const origin = assertLoopback(opts.baseUrl).origin;
    this.#metrics = opts.metrics;
    this.#timeoutMs = opts.timeoutMs ?? 60_000;
    this.#pool = new Pool(origin, { connections: opts.connections, headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 30_000 });
  }

  /** Sends one request and reads its whole body; never throws for a failed request, it reports it. */
  async request(path: string, req: LoadRequest = {}): Promise<LoadResponse> {
    const headers: Record<string, string> = { ...req.headers };
    if (typeof req.body === "string") headers["content-type"] = "application/json";
    const timeout = AbortSignal.timeout(req.timeoutMs ?? this.#timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const t0 = performance.now();
    let status = 0;
    let text = "";
    let error: string | undefined;
    try {
      const res = await this.#pool.request({ path, method: req.method ?? (req.body ? "POST" : "GET"), headers, body: req.body, signal });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      error = signal.aborted && timeout.aborted ? `timeout after ${req.timeoutMs ?? this.#timeoutMs} ms` : String((err as Error).message ?? err);
    }
    const seconds = (performance.now() - t0) / 1000;
    const m = this.#metrics;
    m.add("http_reqs");
    m.rate("http_req_failed", status === 0 || status >= 400);
    m.add("server_errors", status >= 500 ? 1 : 0);
    m.trend("http_req_duration", seconds);
    return {
      status, text, seconds, error,
      json<T>() {
        try {
          return JSON.parse(text) as T;
        } catch {
          return undefined;
        }
      },
    };
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}

/** A multipart body: fields first, in order, then the file (the gateway reads options before the file). */
export function multipart(fields: Record<string, string>, field: string, file: Media): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append(field, file.blob, file.name);
  return form;
}

/** `n` tasks at a time over `items`, results in order. */
export async function pool<T, R>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  }));
  return out;
}

export type Iteration = { vu: number; iterationInTest: number; signal: AbortSignal };

/**
 * Closed model (k6's per-vu-iterations): `vus` users each run `iterations` journeys one after
 * another. After `maxDurationMs` no journey starts and `signal` aborts the running ones.
 */
export async function perUserIterations(vus: number, iterations: number, maxDurationMs: number, fn: (it: Iteration) => Promise<void>): Promise<{ done: number; interrupted: number }> {
  const signal = AbortSignal.timeout(maxDurationMs);
  let iterationInTest = 0;
  let done = 0;
  await Promise.all(Array.from({ length: vus }, async (_, vu) => {
    for (let i = 0; i < iterations && !signal.aborted; i++) {
      await fn({ vu, iterationInTest: iterationInTest++, signal });
      if (!signal.aborted) done++;
    }
  }));
  return { done, interrupted: vus * iterations - done };
}

/**
 * One phase of arrivals. `arrivalRate` users/s for `durationSec` (ramping linearly to `rampTo` when
 * set), or `arrivals` users spread evenly over `durationSec` (0: all at once, a burst).
 */
export type ArrivalPhase = { durationSec: number; arrivalRate: number; rampTo?: number } | { durationSec: number; arrivals: number };

/** Milliseconds from the start at which each user arrives, over all phases in turn. */
export function arrivalOffsets(phases: readonly ArrivalPhase[]): number[] {
  const out: number[] = [];
  let start = 0;
  for (const p of phases) {
    const ms = p.durationSec * 1000;
    if ("arrivals" in p) {
      for (let i = 0; i < p.arrivals; i++) out.push(start + (p.arrivals > 1 ? (ms * i) / p.arrivals : 0));
    } else {
      // Rate r(t) = a + (b - a) t / T; the k-th arrival is where the integral of r reaches k.
      const a = p.arrivalRate;
      const b = p.rampTo ?? a;
      const total = ((a + b) / 2) * p.durationSec;
      for (let k = 0; k < Math.floor(total + 1e-9); k++) {
        const t = a === b ? k / a : (-a + Math.sqrt(a * a + (2 * (b - a) * k) / p.durationSec)) / ((b - a) / p.durationSec);
        out.push(start + t * 1000);
      }
    }
    start += ms;
  }
  return out;
}

/**
 * Open model: starts user `i` at its arrival time whatever the system's pace, with at most
 * `maxConcurrent` journeys running (an arrival beyond that is dropped and counted, as k6 and
 * Artillery do). `maxDurationMs` aborts journeys still running and stops further arrivals.
 */
export async function arrive(phases: readonly ArrivalPhase[], opts: { maxConcurrent: number; maxDurationMs: number }, fn: (i: number, signal: AbortSignal) => Promise<void>): Promise<{ started: number; dropped: number }> {
  const signal = AbortSignal.timeout(opts.maxDurationMs);
  const t0 = performance.now();
  const running = new Set<Promise<void>>();
  let started = 0;
  const offsets = arrivalOffsets(phases);
  for (let i = 0; i < offsets.length && !signal.aborted; i++) {
    const wait = offsets[i]! - (performance.now() - t0);
    if (wait > 1) await delay(wait, undefined, { signal }).catch(() => {});
    if (signal.aborted) break;
    if (running.size >= opts.maxConcurrent) continue;
    started++;
    const p = fn(i, signal).finally(() => running.delete(p));
    running.add(p);
  }
  await Promise.all(running);
  return { started, dropped: offsets.length - started };
}

/** An upload file, read once; every upload sends the same Blob without copying it. */
export type Media = { name: string; type: string; blob: Blob };

/** Reads upload files once, before the run (as k6's init stage did): `.mp4` is video/mp4, the rest audio/wav. */
export async function readMedia(paths: readonly string[]): Promise<Media[]> {
  return Promise.all(paths.map(async (p) => {
    const type = p.endsWith(".mp4") ? "video/mp4" : "audio/wav";
    return { name: basename(p), type, blob: new Blob([await readFile(p)], { type }) };
  }));
}
