import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { freePort, startNats, type NatsServer } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MAIN = join(import.meta.dirname, "..", "src", "main.ts");
const SECRET = randomBytes(48).toString("base64url");

/** Runs the real gateway entry point until it exits (config refusals exit before touching NATS). */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? "", NATS_URL: "nats://127.0.0.1:1", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    p.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill("SIGKILL"), 80_000); // a busy test machine loads the TypeScript slowly
    p.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe("start-up refusals", () => {
  const SAFE = { NODE_ENV: "production", JWT_SECRET: SECRET };

  it.each([
    ["no JWT_SECRET (development)", { NODE_ENV: "development", JWT_SECRET: "" }, ["JWT_SECRET"]],
    ["the old development key (test)", { NODE_ENV: "test", JWT_SECRET: "mp4t-development-jwt-secret-do-not-use-in-production" }, ["JWT_SECRET"]],
    [
      "open registration under MP4T_PROFILE=production",
      { NODE_ENV: "development", MP4T_PROFILE: "production", JWT_SECRET: SECRET, REGISTRATION: "open" },
      ["REGISTRATION"],
    ],
    // Every unsafe setting at once: each is named (config.test.ts checks each alone against the same schema).
    [
      "every unsafe setting (production)",
      {
        ...SAFE,
        JWT_SECRET: "a".repeat(32),
        ADMIN_EMAIL: "root@example.com",
        ADMIN_PASSWORD: "admin-password",
        REGISTRATION: "open",
        METRICS_TOKEN: "metrics",
        CORS_ORIGINS: "*",
        PASSWORD_HASH_COST: "14",
      },
      ["JWT_SECRET", "ADMIN_PASSWORD", "REGISTRATION", "METRICS_TOKEN", "CORS_ORIGINS", "PASSWORD_HASH_COST"],
    ],
  ])(
    "refuses %s: exit 78, naming each setting",
    async (_name, env, settings) => {
      const { code, stderr } = await runToExit(env);
      expect(code, stderr).toBe(78);
      for (const setting of settings) expect(stderr).toContain(`${setting}: `);
    },
    90_000,
  );
});

describe("audit lines from a running gateway", () => {
  let nats: NatsServer;
  let gw: ChildProcess;
  let base: string;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    nats = await startNats();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gw = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? "",
        NATS_URL: nats.url,
        PORT: String(port),
        HOST: "127.0.0.1",
        JWT_SECRET: SECRET,
        LOG_LEVEL: "info",
        ADMIN_EMAIL: "audit-admin@example.com",
        ADMIN_PASSWORD: "audit admin password",
        PASSWORD_HASH_COST: "14",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let buf = "";
    gw.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          /* not a log line */
        }
      }
    });
    const deadline = Date.now() + 30_000;
    while (
      !(await fetch(`${base}/ready`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) throw new Error("gateway did not become ready");
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 40_000);
  afterAll(async () => {
    gw?.kill("SIGTERM");
    await new Promise((r) => gw?.once("exit", r));
    await nats?.[Symbol.asyncDispose]();
  });

  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.text().then((t) => (t ? JSON.parse(t) : null))) as Record<string, string> };
  };

  it("logs {audit, userId, action, target, result, ip} for logins, refresh, logout, password changes, invites, deletions and admin actions", async () => {
    expect((await call("POST", "/v1/auth/register", { email: "aud@example.com", password: "audited password" })).status).toBe(201);
    expect((await call("POST", "/v1/auth/login", { email: "aud@example.com", password: "wrong password!!" })).status).toBe(401);
    const login = await call("POST", "/v1/auth/login", { email: "aud@example.com", password: "audited password" });
    const refreshed = await call("POST", "/v1/auth/refresh", { refreshToken: login.body.refreshToken });
    const token = refreshed.body.token!;
    expect((await call("POST", "/v1/auth/password", { currentPassword: "audited password", newPassword: "another audited pw" }, token)).status).toBe(204);
    expect((await call("GET", "/v1/admin/services", undefined, token)).status).toBe(403);
    expect((await call("DELETE", "/v1/jobs/01jd3f5h7k9m1p3r5t7v9x1z3b", undefined, token)).status).toBe(404);
    expect((await call("POST", "/v1/auth/logout", undefined, token)).status).toBe(204);
    const admin = await call("POST", "/v1/auth/login", { email: "audit-admin@example.com", password: "audit admin password" });
    expect((await call("POST", "/v1/admin/invites", { email: "friend@example.com" }, admin.body.token)).status).toBe(201);
    await call("POST", "/v1/admin/lanes/low/pause", { forSec: 60 }, admin.body.token);

    const audit = () => lines.filter((l) => l.audit === true);
    const want = [
      ["register", "ok"],
      ["login", "fail"],
      ["login", "ok"],
      ["refresh", "ok"],
      ["password-change", "ok"],
      ["GET /v1/admin/services", "denied"],
      ["DELETE /v1/jobs/:id", "fail"],
      ["logout", "ok"],
      ["invite-create", "ok"],
      ["POST /v1/admin/lanes/:lane/pause", undefined],
    ] as const;
    const deadline = Date.now() + 5000;
    const find = (action: string, result?: string) => audit().find((l) => l.action === action && (result === undefined || l.result === result));
    while (want.some(([a, r]) => !find(a, r)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const [action, result] of want) {
      const line = find(action, result);
      expect(line, `${action} ${result}`).toBeDefined();
      expect(line!.ip, action).toBe("127.0.0.1");
      expect(line).toHaveProperty("target");
      expect(line).toHaveProperty("userId");
    }
    expect(audit().find((l) => l.action === "login" && l.result === "ok")!.userId).toMatch(/^[0-9a-z]{26}$/);
    // No secret ever reaches a log line.
    const all = JSON.stringify(lines);
    for (const secret of ["audited password", "another audited pw", login.body.refreshToken!, token, SECRET]) expect(all).not.toContain(secret);
  });
});
