// The image's HEALTHCHECK (compose uses it too): the gateway answers GET /health on PORT, a worker
// its Prometheus listener on METRICS_PORT. Either answering means the process and its event loop
// are alive; readiness (NATS and stores) is the gateway's /ready.
const service = process.env.MP4T_SERVICE ?? "";
const url = service === "gateway" ? `http://127.0.0.1:${process.env.PORT ?? 8080}/health` : `http://127.0.0.1:${process.env.METRICS_PORT ?? 9464}/metrics`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  process.exit(0);
} catch (err) {
  process.stderr.write(`${service || "service"} unhealthy: ${url}: ${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
}
