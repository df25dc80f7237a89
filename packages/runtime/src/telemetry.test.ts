import { context, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { logMixin, startTelemetry, withJob } from "./telemetry.ts";

// A process of its own (vitest.config.ts runs it isolated, in `paired`): this file starts the SDK once, exporting to a port nothing listens
// on, which must cost nothing but dropped spans (no thrown or logged exporter errors).
describe("telemetry", () => {
  const telemetry = startTelemetry("unit", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9/", OTEL_TRACES_SAMPLER_ARG: 1 });

  it("puts trace, span and job ids on log lines written inside a span", () => {
    const span = trace.getTracer("t").startSpan("work");
    const fields = context.with(trace.setSpan(context.active(), span), () => withJob("01kbz7m3qf8yq2v6w0z9d1x4aa", logMixin));
    span.end();
    expect(fields).toEqual({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId, job_id: "01kbz7m3qf8yq2v6w0z9d1x4aa" });
    expect(logMixin()).toEqual({});
  });

  it("shuts down promptly even though the collector is unreachable", async () => {
    const t0 = performance.now();
    await telemetry.shutdown();
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
