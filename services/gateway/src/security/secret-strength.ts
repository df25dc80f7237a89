import { deflateRawSync } from "node:zlib";

/** The development key older versions signed with by default: tokens forged with it must never pass. */
export const OLD_DEV_JWT_SECRET = "mp4t-development-jwt-secret-do-not-use-in-production";

/** Keys that tutorials, defaults and templates use; compared case-insensitively. */
const WELL_KNOWN = new Set(
  [
    OLD_DEV_JWT_SECRET,
    "secret",
    "changeme",
    "change-me",
    "change_me",
    "changeit",
    "password",
    "jwt-secret",
    "jwt_secret",
    "jwtsecret",
    "supersecret",
    "super-secret",
    "your-256-bit-secret",
    "your-secret-key",
    "secretkey",
    "secret-key",
    "mysecret",
    "my-secret",
    "default",
    "test",
    "development",
    "dev",
    "admin",
    "qwerty",
    "123456",
    "shhhhh",
    "keyboard cat",
    "s3cr3t",
  ].map((s) => s.toLowerCase()),
);

/** Fewest characters a key may have; 32 random bytes encode to 43 base64url characters. */
export const MIN_SECRET_LENGTH = 32;
/** Least estimated entropy, in bits, of a signing key (Shannon estimate over its characters). */
export const MIN_SECRET_BITS = 100;

/**
 * Bits of entropy the key's own character frequencies suggest: len x H(chars). It cannot see
 * structure (a hex-encoded English sentence scores well) but it catches the usual weak keys:
 * repeated characters, short alphabets, a word repeated.
 */
export function estimatedBits(secret: string): number {
  const chars = [...secret];
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / chars.length) * Math.log2(n / chars.length);
  return h * chars.length;
}

/** Why a signing key is unsafe (in any profile), or null. */
export function weakSecretProblem(secret: string): string | null {
  const s = secret.trim();
  const lower = s.toLowerCase();
  if (WELL_KNOWN.has(lower) || [...WELL_KNOWN].some((w) => w.length >= 6 && lower.includes(w) && s.length < w.length + 16)) {
    return "is a well-known or default key";
  }
  if (s.length < MIN_SECRET_LENGTH) return `is shorter than ${MIN_SECRET_LENGTH} characters`;
  if (new Set(s).size < 8) return "repeats too few different characters";
  // A repeated block ("abcdabcd..."): the key is no stronger than the block.
  for (let n = 1; n <= s.length / 2; n++)
    if (
      s ===
      s
        .slice(0, n)
        .repeat(Math.ceil(s.length / n))
        .slice(0, s.length)
    )
      return "is one short block repeated";
  // Random keys do not compress (hex and base64 stay above ~75%); "ab..abcdef..cdef" halves.
  if (deflateRawSync(Buffer.from(s), { level: 9 }).length < s.length * 0.6) return "is repetitive (it compresses to under 60%)";
  if (estimatedBits(s) < MIN_SECRET_BITS) return `has too little entropy (about ${Math.round(estimatedBits(s))} bits, at least ${MIN_SECRET_BITS} needed)`;
  return null;
}
