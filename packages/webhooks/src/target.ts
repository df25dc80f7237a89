import { lookup as dnsLookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import type { AddressPolicy } from "./address-policy.ts";

export type TargetSettings = { policy: AddressPolicy; requireHttps: boolean; resolveTimeoutMs?: number };

export type CheckedTarget = { ok: true; url: URL; addresses: { address: string; family: number }[] } | { ok: false; reason: string };

const MAX_URL_LENGTH = 2048;
const refuse = (reason: string): CheckedTarget => ({ ok: false, reason });

async function resolveAll(host: string, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`resolving ${host} took over ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([dnsLookup(host, { all: true, verbatim: true }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks a webhook URL: http(s) only (https unless allowed otherwise), no credentials, and every
 * address its host resolves to allowed by the policy. Run at create/update and again before each
 * delivery, which then connects only to the addresses checked here (see `pinnedLookup`), so a DNS
 * answer that changes in between (rebinding) cannot point the request elsewhere.
 */
export async function checkTarget(raw: string, s: TargetSettings): Promise<CheckedTarget> {
  if (raw.length > MAX_URL_LENGTH) return refuse(`the URL is longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("not a valid absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return refuse("only http and https URLs are allowed");
  if (url.username || url.password) return refuse("the URL must not carry credentials");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const listed = s.policy.allowsHost(host);
  if (url.protocol === "http:" && s.requireHttps && !listed) return refuse("https is required");
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await resolveAll(host, s.resolveTimeoutMs ?? 5000);
    } catch {
      return refuse(`the host ${host} does not resolve`);
    }
  }
  if (!addresses.length) return refuse(`the host ${host} does not resolve`);
  if (!listed) {
    const bad = addresses.find((a) => !s.policy.allowsAddress(a.address));
    if (bad) return refuse(`the host resolves to a non-public address (${bad.address})`);
  }
  return { ok: true, url, addresses };
}

/**
 * A `lookup` for http(s).request that answers only the addresses `checkTarget` approved, so the
 * connection goes where the check looked (Node calls it with `all: true` for address selection).
 */
export function pinnedLookup(addresses: { address: string; family: number }[]): LookupFunction {
  return (_host, options, callback) => {
    const family = typeof options === "object" ? options.family : undefined;
    const usable = addresses.filter((a) => !family || a.family === family);
    if (!usable.length) return callback(Object.assign(new Error("no checked address of the requested family"), { code: "ENOTFOUND" }), "", 0);
    if (typeof options === "object" && options.all) return (callback as unknown as (e: null, a: typeof usable) => void)(null, usable);
    callback(null, usable[0]!.address, usable[0]!.family);
  };
}
