import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

const KEY_LEN = 64;
/** OWASP's Password Storage Cheat Sheet (2025): scrypt N=2^17, r=8, p=1. */
export const SCRYPT_PARAMS = { N: 131_072, r: 8, p: 1 } as const;
/** Largest cost a stored hash may ask for: a tampered hash must not make a login eat gigabytes. */
const MAX_N = 1 << 20;

/** scrypt needs 128 * N * r bytes; Node's default cap (32 MiB) is below what N=2^17 uses (128 MiB). */
const maxmemFor = (o: { N: number; r: number }) => 128 * o.N * o.r + 1024 * 1024;

const derive = (password: string, salt: Buffer, opts: Required<Pick<ScryptOptions, "N" | "r" | "p">>) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, KEY_LEN, { ...opts, maxmem: maxmemFor(opts) }, (err, key) => (err ? reject(err) : resolve(key))),
  );

/** `scrypt$N$r$p$<salt b64>$<hash b64>`: the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string, params: { N: number; r: number; p: number } = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64"), key.toString("base64")].join("$");
}

const parse = (stored: string) => {
  const [scheme, n, r, p, saltB64, keyB64] = stored.split("$");
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const sane = Number.isInteger(params.N) && params.N > 1 && params.N <= MAX_N && (params.N & (params.N - 1)) === 0 &&
    Number.isInteger(params.r) && params.r >= 1 && params.r <= 32 && Number.isInteger(params.p) && params.p >= 1 && params.p <= 16;
  if (scheme !== "scrypt" || !saltB64 || !keyB64 || !sane) return null;
  return { params, salt: Buffer.from(saltB64, "base64"), key: Buffer.from(keyB64, "base64") };
};

/** Constant-time comparison; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parse(stored);
  if (!h || h.key.length !== KEY_LEN) return false;
  const key = await derive(password, h.salt, h.params);
  return timingSafeEqual(key, h.key);
}

/** True when a hash was made with weaker parameters than today's: login re-hashes it. */
export function needsRehash(stored: string): boolean {
  const h = parse(stored);
  return !h || h.params.N < SCRYPT_PARAMS.N || h.params.r < SCRYPT_PARAMS.r || h.params.p < SCRYPT_PARAMS.p;
}

/** A hash of nothing in particular, verified when an email is unknown so both paths cost the same. */
let decoy: Promise<string> | undefined;
export const decoyHash = () => (decoy ??= hashPassword(randomBytes(12).toString("base64")));
