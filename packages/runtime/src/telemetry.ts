import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import {
  context,
  createContextKey,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type * as OtlpExporter from "@opentelemetry/exporter-trace-otlp-proto";
import type * as Resources from "@opentelemetry/resources";
import type * as SdkTrace from "@opentelemetry/sdk-trace";
import { HttpAttr, LogField } from "./telemetry-attributes.ts";

/** The variables `startTelemetry` reads (part of `baseEnv`). */
export type TelemetryConfig = {
  /** OTLP/HTTP base URL (e.g. http://jaeger:4318); unset: tracing is off and nothing is exported. */
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  /** Fraction of new traces sampled (0..1); a message or request that arrives sampled stays sampled. */
  OTEL_TRACES_SAMPLER_ARG: number;
};

export type Telemetry = { enabled: boolean; shutdown(): Promise<void> };

const TRACER = "mp4t";
const VERSION = "0.1.0";
const JOB_KEY = createContextKey("mp4t.job_id");
let running: Telemetry | undefined;

/**
 * The service whose code is running, in a process that hosts several (the all-in-one process runs
 * each service's start inside `serviceScope.run(name, ...)`; its NATS connection, timers and HTTP
 * server keep that scope). Spans go to that service's tracer provider, so each keeps its own
 * `service.name` in the traces.
 */
export const serviceScope = new AsyncLocalStorage<string>();

const providers = new Map<string, TracerProvider>();
let first: TracerProvider | undefined;
const providerInScope = () => providers.get(serviceScope.getStore() ?? "") ?? first;

/** The global provider: picks the tracer of the service in scope at each span start. */
const scopedProvider: TracerProvider = {
  getTracer(name, version, options): Tracer {
    const pick = () => providerInScope()?.getTracer(name, version, options) ?? trace.getTracer("noop");
    return {
      startSpan: (n: string, o?: SpanOptions, c?: Context) => pick().startSpan(n, o, c),
      startActiveSpan: ((...args: Parameters<Tracer["startActiveSpan"]>) =>
        (pick().startActiveSpan as (...a: unknown[]) => unknown)(...args)) as Tracer["startActiveSpan"],
    };
  },
};

/**
 * Starts tracing for one service: W3C trace context, a parent-based ratio sampler, batched
 * OTLP/HTTP (protobuf) export, resource `mp4t-<service>`. Called first in `bootService`, before
 * anything opens a connection; once per service in the all-in-one process (one provider each).
 * Everything the SDK could read from OTEL_* variables is passed explicitly, so config stays in the
 * service's schema and no metrics or log exporter starts behind our back.
 */
export function startTelemetry(service: string, config: TelemetryConfig): Telemetry {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, "");
  if (!running) {
    // Job ids follow the work through async calls into the logs, traced or not.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    running = { enabled: false, shutdown: async () => undefined };
  }
  if (!endpoint || providers.has(service)) return running;
  // The SDK and exporter (some 30 MiB resident) load only when tracing is configured; `require`
  // keeps this start synchronous, ahead of everything it instruments.
  const require = createRequire(import.meta.url);
  const { OTLPTraceExporter } = require("@opentelemetry/exporter-trace-otlp-proto") as typeof OtlpExporter;
  const { resourceFromAttributes } = require("@opentelemetry/resources") as typeof Resources;
  const {
    BatchSpanProcessor,
    ParentBasedSampler,
    TraceIdRatioBasedSampler,
    TracerProvider: SdkProvider,
  } = require("@opentelemetry/sdk-trace") as typeof SdkTrace;
  const provider = new SdkProvider({
    resource: resourceFromAttributes({
      "service.name": `mp4t-${service}`,
      "service.version": VERSION,
      "service.namespace": "mp4totext",
      "service.instance.id": `${hostname()}:${process.pid}`,
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG) }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }), scheduledDelayMillis: 1000 })],
  });
  providers.set(service, provider);
  if (!first) {
    first = provider;
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(scopedProvider);
  }
  // A collector that is down must never hold a stopping service hostage.
  const shutdown = () => Promise.race([provider.shutdown(), new Promise<void>((r) => setTimeout(r, 3000).unref())]).catch(() => undefined);
  return { enabled: true, shutdown };
}

export const tracer = () => trace.getTracer(TRACER, VERSION);

/** The trace id of the active span, if it is sampled-or-not but valid. */
export function activeTraceId(): string | undefined {
  const sc = trace.getActiveSpan()?.spanContext();
  return sc && isSpanContextValid(sc) ? sc.traceId : undefined;
}

/** Runs `fn` with a job id in context: logs written inside carry it (see `logMixin`). */
export function withJob<T>(jobId: string, fn: () => T): T {
  return context.with(context.active().setValue(JOB_KEY, jobId), fn);
}

/** pino mixin: trace and span id of the active span and the job in context, on every line. */
export function logMixin(): Record<string, string> {
  const ctx = context.active();
  const out: Record<string, string> = {};
  const sc = trace.getSpan(ctx)?.spanContext();
  if (sc && isSpanContextValid(sc)) {
    out[LogField.TRACE_ID] = sc.traceId;
    out[LogField.SPAN_ID] = sc.spanId;
  }
  const job = ctx.getValue(JOB_KEY);
  if (typeof job === "string") out.job_id = job;
  return out;
}

/** `ctx` with a job id in it: logs written inside carry it (see `logMixin`). */
export function withJobContext(ctx: Context, jobId: string): Context {
  return ctx.setValue(JOB_KEY, jobId);
}

/** Ends a span with an error status when `fn` throws. */
export async function inSpan<T>(span: Span, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

/** Sets attributes on the active span (a no-op when tracing is off). */
export function annotateActiveSpan(attrs: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attrs);
}

export type ServerSpan = { run<T>(fn: () => T): T; end(status: number, error?: Error): void };

/**
 * A SERVER span for one HTTP request, continued from an incoming `traceparent`; `run` executes
 * the rest of the request inside it, so what the handler publishes joins the same trace.
 */
export function startServerSpan(req: { method: string; route: string; path: string; headers: Record<string, string | string[] | undefined> }): ServerSpan {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const ua = req.headers["user-agent"];
  const span = tracer().startSpan(
    `${req.method} ${req.route}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        [HttpAttr.REQUEST_METHOD]: req.method,
        [HttpAttr.ROUTE]: req.route,
        [HttpAttr.URL_PATH]: req.path,
        ...(typeof ua === "string" ? { [HttpAttr.USER_AGENT]: ua } : {}),
      },
    },
    parent,
  );
  const ctx = trace.setSpan(parent, span);
  return {
    run: (fn) => context.with(ctx, fn),
    end(status, error) {
      span.setAttribute(HttpAttr.RESPONSE_STATUS_CODE, status);
      if (error) span.recordException(error);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, ...(error ? { message: error.message } : {}) });
      span.end();
    },
  };
}
