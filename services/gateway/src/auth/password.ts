import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

const KEY_LEN = 64;
/** OWASP's Password Storage Cheat Sheet (2025): scrypt N=2^17, r=8, p=1. */
export const SCRYPT_PARAMS = { N: 131_072, r: 8, p: 1 } as const;
/** Largest cost a stored hash may ask for (with the memory budget below): a tampered hash must not make a login eat gigabytes. */
const MAX_N = 1 << 20;

/** scrypt needs 128 * N * r bytes; Node's default cap (32 MiB) is below what N=2^17 uses (128 MiB). */
const maxmemFor = (o: { N: number; r: number }) => 128 * o.N * o.r + 1024 * 1024;

/**
 * Memory all running derivations may take together. Each takes 128 MiB at N=2^17, so a burst of
 * logins queues (two at a time) rather than taking the process's memory; the rate limits keep
 * the queue short.
 */
const MEMORY_BUDGET = 256 * 1024 * 1024;
/**
 * Derivations running at once, whatever their cost: half of libuv's thread pool (4 unless
 * UV_THREADPOOL_SIZE says). scrypt runs on that pool, and so does every file operation (an
 * upload's blob write, a transcript read); a login storm at a cheap cost used to fill all four
 * threads, and uploads waited behind the queued hashes (upload p95 over 7 s in the 1000-user test
 * with logins, docs/architecture.md). npm start gives the gateway's process 8 threads, so four
 * hash and four serve file I/O (scripts/supervise.mjs).
 */
const MAX_RUNNING = Math.max(1, Math.floor(threadPoolSize(process.env.UV_THREADPOOL_SIZE) / 2));
/** libuv's thread pool: 4 threads unless UV_THREADPOOL_SIZE says (a value it cannot read counts as 1; at most 1024). */
function threadPoolSize(v: string | undefined): number {
  if (v === undefined || v === "") return 4;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 1024) : 1;
}
let inUse = 0;
let running = 0;
const waiting: (() => void)[] = [];

async function derive(password: string, salt: Buffer, opts: Required<Pick<ScryptOptions, "N" | "r" | "p">>): Promise<Buffer> {
  const need = Math.min(MEMORY_BUDGET, 128 * opts.N * opts.r);
  while (inUse + need > MEMORY_BUDGET || running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve));
  inUse += need;
  running++;
  try {
    return await new Promise<Buffer>((resolve, reject) =>
      scrypt(password.normalize("NFKC"), salt, KEY_LEN, { ...opts, maxmem: maxmemFor(opts) }, (err, key) => (err ? reject(err) : resolve(key))),
    );
  } finally {
    inUse -= need;
    running--;
    for (const wake of waiting.splice(0)) wake(); // each re-checks the budget, in the order they came
  }
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>`: the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string, params: { N: number; r: number; p: number } = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64"), key.toString("base64")].join("$");
}

const parse = (stored: string) => {
  const [scheme, n, r, p, saltB64, keyB64] = stored.split("$");
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const sane =
    Number.isInteger(params.N) &&
    params.N > 1 &&
    params.N <= MAX_N &&
    (params.N & (params.N - 1)) === 0 &&
    Number.isInteger(params.r) &&
    params.r >= 1 &&
    params.r <= 32 &&
    Number.isInteger(params.p) &&
    params.p >= 1 &&
    params.p <= 16 &&
    128 * params.N * params.r <= MEMORY_BUDGET;
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

/** True when a hash was made with weaker parameters than `params`: login re-hashes it. */
export function needsRehash(stored: string, params: { N: number; r: number; p: number } = SCRYPT_PARAMS): boolean {
  const h = parse(stored);
  return !h || h.params.N < params.N || h.params.r < params.r || h.params.p < params.p;
}

/** scrypt at N = 2^cost (PASSWORD_HASH_COST), r=8, p=1: what the routes hash new passwords with. */
export function passwordHasher(cost: number) {
  const params = { N: 2 ** cost, r: 8, p: 1 };
  let decoy: Promise<string> | undefined;
  return {
    /** A hash of nothing in particular at the same cost, verified for unknown emails so both paths take as long. */
    decoy: () => (decoy ??= hashPassword(randomBytes(12).toString("base64"), params)),
    hash: (password: string) => hashPassword(password, params),
    verify: verifyPassword,
    needsRehash: (stored: string) => needsRehash(stored, params),
  };
}
export type PasswordHasher = ReturnType<typeof passwordHasher>;
