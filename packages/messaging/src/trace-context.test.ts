import { headers } from "@nats-io/transport-node";
import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { startTelemetry } from "@mp4t/runtime";
import { extractTraceContext, injectTraceContext, subjectTemplate, tracePublish } from "./trace-context.ts";

// A process of its own (vitest.config.ts runs it isolated, in `paired`): this file starts the SDK once, exporting to a port nothing listens
// on, which must cost nothing but dropped spans (no thrown or logged exporter errors).
describe("trace context over NATS", () => {
  const telemetry = startTelemetry("unit", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9/", OTEL_TRACES_SAMPLER_ARG: 1 });

  it("carries the trace from a publish span to the consumer through NATS headers", async () => {
    expect(telemetry.enabled).toBe(true);
    const h = headers();
    let publishTrace = "";
    await tracePublish("mp4t.v1.work.high.transcribe.b3.interactive", {}, async () => {
      publishTrace = trace.getActiveSpan()!.spanContext().traceId;
      injectTraceContext(h);
    });
    expect(h.get("traceparent")).toMatch(new RegExp(`^00-${publishTrace}-[0-9a-f]{16}-01$`));
    expect(trace.getSpanContext(extractTraceContext(h))?.traceId).toBe(publishTrace);
  });

  it("keeps span names low-cardinality", () => {
    expect(subjectTemplate("mp4t.v1.events.01kbz7m3qf8yq2v6w0z9d1x4aa")).toBe("mp4t.v1.events.{job_id}");
    expect(subjectTemplate("mp4t.v1.events.01kbz7m3qf8yq2v6w0z9d1x4aa.stage.started")).toBe("mp4t.v1.events.{job_id}.stage.started");
    expect(subjectTemplate("mp4t.v1.work.high.transcribe.b12.batch")).toBe("mp4t.v1.work.high.transcribe.{bucket}.batch");
    expect(subjectTemplate("mp4t.v1.work.low.cleanup.interactive")).toBe("mp4t.v1.work.low.cleanup.interactive");
  });

  it("shuts down promptly even though the collector is unreachable", async () => {
    const t0 = performance.now();
    await telemetry.shutdown();
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
