import { createHmac } from "node:crypto";
import type { Harness } from "./harness.ts";

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** A JWT made by hand, as an attacker would: any header, any claims, any key (or none). */
export function forgeJwt(claims: Record<string, unknown>, key: string | null, header: Record<string, unknown> = { alg: "HS256", typ: "JWT" }) {
  const body = `${b64(key === null ? { ...header, alg: "none" } : header)}.${b64(claims)}`;
  return key === null ? `${body}.` : `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`;
}

export const decode = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

/** Keys a forger tries first. */
export const WELL_KNOWN_KEYS = [
  "mp4t-development-jwt-secret-do-not-use-in-production",
  "secret",
  "changeme",
  "your-256-bit-secret",
  "jwt-secret",
  "supersecret",
  "",
];

export type LoggedIn = { token: string; refreshToken: string; auth: { authorization: string } };

export async function login(h: Harness, email: string, password: string): Promise<LoggedIn> {
  const res = await h.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login ${email}: ${res.statusCode} ${res.body}`);
  const { token, refreshToken } = res.json() as { token: string; refreshToken: string };
  return { token, refreshToken, auth: { authorization: `Bearer ${token}` } };
}

export const status = async (h: Harness, url: string, auth: { authorization: string }) =>
  (await h.app.inject({ method: "GET", url, headers: auth })).statusCode;

/**
 * Milliseconds until `url` answers `want` for this token: how long a change in the store
 * takes to reach requests. Polls every 50 ms (the bound itself is what is measured).
 */
export async function msUntilStatus(h: Harness, url: string, auth: { authorization: string }, want: number, limitMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < limitMs) {
    if ((await status(h, url, auth)) === want) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer ${want} within ${limitMs} ms`);
}
