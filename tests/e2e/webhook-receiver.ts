import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export type Received = { path: string; headers: IncomingHttpHeaders; body: string };

/**
 * A webhook receiver on loopback. Each path answers with its own script of status codes (the last
 * one repeats); `next(path, n)` resolves once that path has had n requests.
 */
export async function startReceiver(scripts: Record<string, number[]>) {
  const received: Received[] = [];
  const waiters: { path: string; n: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const seen = received.filter((r) => r.path === path).length;
      const script = scripts[path] ?? [404];
      res.writeHead(script[Math.min(seen, script.length) - 1]!).end("receiver says hello");
      for (const w of waiters.filter((x) => x.path === path && seen >= x.n)) w.resolve();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received: (path: string) => received.filter((r) => r.path === path),
    next(path: string, n: number, timeoutMs = 60_000): Promise<Received[]> {
      return new Promise((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          resolve(received.filter((r) => r.path === path));
        };
        const timer = setTimeout(
          () => reject(new Error(`${path}: ${received.filter((r) => r.path === path).length} of ${n} requests in ${timeoutMs} ms`)),
          timeoutMs,
        );
        if (received.filter((r) => r.path === path).length >= n) return done();
        waiters.push({ path, n, resolve: done });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
