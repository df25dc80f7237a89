import { connect as tcpConnect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCode, startHarness, type Harness } from "./harness.ts";

/** Resolves with how long the server took to close the socket (ms), or rejects after `limitMs`. */
function closedWithin(socket: Socket, limitMs: number): Promise<number> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still open after ${limitMs} ms`)), limitMs);
    socket.on("error", () => undefined);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(Date.now() - start);
    });
  });
}

const openSocket = (base: string) =>
  new Promise<Socket>((resolve, reject) => {
    const { hostname, port } = new URL(base);
    const s = tcpConnect({ host: hostname, port: Number(port) }, () => resolve(s));
    s.once("error", reject);
  });

describe("login and registration throttling", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ RATE_LIMIT_AUTH_PER_ACCOUNT: "5", RATE_LIMIT_AUTH_PER_IP: "12", RATE_LIMIT_AUTH_WINDOW_SEC: "60", RATE_LIMIT_PER_MIN: "60" });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("throttles wrong logins per account (429 RATE_LIMITED with Retry-After), then per address across accounts", async () => {
    const wrong = (email: string) => h.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email, password: "wrong password!" } });
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await wrong("victim@example.com")).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await wrong("victim@example.com");
    expect(limited.statusCode).toBe(429);
    expect(errorCode(limited)).toBe("RATE_LIMITED");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(limited.headers["retry-after"])).toBeLessThanOrEqual(60);
    // The per-address limit (12 in the window) catches an attacker who switches accounts.
    const spread: number[] = [];
    for (let i = 0; i < 6; i++) spread.push((await wrong(`other${i}@example.com`)).statusCode);
    expect(spread.slice(0, 4)).toEqual([401, 401, 401, 401]);
    const byIp = await wrong("fresh@example.com");
    expect(byIp.statusCode).toBe(429);
    expect(errorCode(byIp)).toBe("RATE_LIMITED");
    expect(byIp.headers["retry-after"]).toBeDefined();
    // Another address is not affected.
    const elsewhere = await h.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      remoteAddress: "10.0.0.9",
      payload: { email: "fresh2@example.com", password: "wrong password!" },
    });
    expect(elsewhere.statusCode).toBe(401);
  });

  it("limits every route per address (global limit), probes excepted", async () => {
    const from = { remoteAddress: "10.1.2.3" };
    const codes: number[] = [];
    for (let i = 0; i < 61; i++) codes.push((await h.app.inject({ method: "GET", url: "/v1/jobs", ...from })).statusCode);
    expect(codes.slice(0, 60).every((c) => c === 401)).toBe(true);
    expect(codes[60]).toBe(429);
    expect((await h.app.inject({ method: "GET", url: "/health", ...from })).statusCode).toBe(200);
  });
});

describe("slow clients", () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness({ HTTP_BODY_TIMEOUT_SEC: "1", UPLOAD_MIN_BYTES_PER_SEC: "2000", UPLOAD_RATE_WINDOW_SEC: "1" });
    base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("closes 50 requests that declare a body and send one byte, within the body timeout", async () => {
    const sockets = await Promise.all(Array.from({ length: 50 }, () => openSocket(base)));
    const closed = sockets.map((s) => closedWithin(s, 5000));
    for (const s of sockets) s.write("POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{");
    const ms = await Promise.all(closed);
    expect(Math.max(...ms)).toBeLessThan(2500); // 1 s timeout plus the watchdog's tick
  });

  it("cuts off an upload trickling at one byte per 200 ms", async () => {
    const u = await h.user();
    const before = await h.deps.jobs.listJobs((h.app.jwt.decode(u.token) as { sub: string }).sub, { limit: 10 });
    const socket = await openSocket(base);
    const closed = closedWithin(socket, 8000);
    const boundary = "----slow";
    socket.write(
      `POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: ${u.auth.authorization}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
        `Content-Length: 100000\r\n\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    );
    const drip = setInterval(() => socket.writable && socket.write("x"), 200);
    try {
      expect(await closed).toBeLessThan(4000); // a 1 s window below 2000 B/s, plus a tick
    } finally {
      clearInterval(drip);
    }
    const after = await h.deps.jobs.listJobs((h.app.jwt.decode(u.token) as { sub: string }).sub, { limit: 10 });
    expect(after.items.length).toBe(before.items.length);
  });

  it("lets an upload at a normal rate through", async () => {
    const u = await h.user();
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(50_000).fill(7)], { type: "video/mp4" }), "ok.mp4");
    const res = await fetch(`${base}/v1/jobs`, { method: "POST", headers: u.auth, body: form });
    expect(res.status).toBe(202);
  });
});
