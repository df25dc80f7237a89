import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { freePort } from "@mp4t/testing";

const CONFIG = join(import.meta.dirname, "..", "..", "observability", "jaeger.yaml");

export type JaegerSpan = {
  traceID: string;
  spanID: string;
  operationName: string;
  processID: string;
  references: { refType: string; traceID: string; spanID: string }[];
  tags: { key: string; value: unknown }[];
  startTime: number;
};
export type JaegerTrace = { traceID: string; spans: JaegerSpan[]; processes: Record<string, { serviceName: string }> };

export type RunningJaeger = {
  /** OTLP/HTTP base URL: what OTEL_EXPORTER_OTLP_ENDPOINT gets. */
  otlpUrl: string;
  queryUrl: string;
  traces(service: string, params?: Record<string, string>): Promise<JaegerTrace[]>;
  trace(id: string): Promise<JaegerTrace | null>;
  output(): string;
  stop(): Promise<void>;
};

/** Starts a real Jaeger v2 (built by scripts/toolchain.sh) with observability/jaeger.yaml on free ports. */
export async function startJaeger(): Promise<RunningJaeger> {
  const [otlp, otlpGrpc, query, queryGrpc, health] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const proc = spawn("jaeger", ["--config", CONFIG], {
    env: {
      ...process.env,
      JAEGER_LISTEN_HOST: "127.0.0.1",
      JAEGER_OTLP_HTTP_PORT: String(otlp),
      JAEGER_OTLP_GRPC_PORT: String(otlpGrpc),
      JAEGER_QUERY_PORT: String(query),
      JAEGER_QUERY_GRPC_PORT: String(queryGrpc),
      JAEGER_HEALTH_PORT: String(health),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  const queryUrl = `http://127.0.0.1:${query}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jaeger exited with ${proc.exitCode}:\n${out}`);
    const ok = await fetch(`http://127.0.0.1:${health}/status`).then(
      (r) => r.ok,
      () => false,
    );
    if (
      ok &&
      (await fetch(`${queryUrl}/api/services`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      break;
    if (Date.now() > deadline) throw new Error(`jaeger did not become healthy:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${queryUrl}${path}`);
    if (!res.ok) throw new Error(`jaeger ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    otlpUrl: `http://127.0.0.1:${otlp}`,
    queryUrl,
    async traces(service, params = {}) {
      const q = new URLSearchParams({ service, limit: "50", lookback: "1h", ...params });
      return (await get<{ data: JaegerTrace[] | null }>(`/api/traces?${q}`)).data ?? [];
    },
    async trace(id) {
      const res = await fetch(`${queryUrl}/api/traces/${id}`);
      if (res.status === 404) return null;
      return ((await res.json()) as { data: JaegerTrace[] }).data[0] ?? null;
    },
    output: () => out,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = once(proc, "exit");
      proc.kill("SIGTERM");
      await exited;
    },
  };
}

/** Follows a span's CHILD_OF reference; null for a root. */
export const parentOf = (s: JaegerSpan) => s.references.find((r) => r.refType === "CHILD_OF")?.spanID ?? null;
export const tag = (s: JaegerSpan, key: string) => s.tags.find((t) => t.key === key)?.value;
