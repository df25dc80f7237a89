import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "@mp4t/contracts";

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

/** The shipped list (see the file's header for its source and licence), loaded once. */
let common: Set<string> | undefined;
const commonPasswords = () =>
  (common ??= new Set(
    readFileSync(join(import.meta.dirname, "common-passwords.txt"), "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("#")),
  ));

/** Runs people type: "123456789012", "abcdefghijkl", "qwertyuiopas", and backwards. */
const RUNS = ["0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm"].flatMap((r) => [
  r.repeat(4),
  [...r].reverse().join("").repeat(4),
]);

/** Why a new password is refused, or null when it is acceptable. Length counts code points. */
export function passwordProblem(password: string): string | null {
  if (password.trim() === "") return "the password must not be blank";
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `the password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `the password must have at most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = password.normalize("NFKC").toLowerCase();
  // A listed password with digits or symbols added at the end ("password123456") is no stronger.
  const base = lower.trim().replace(/[\d\W_]+$/u, "");
  if (commonPasswords().has(lower) || commonPasswords().has(lower.trim()) || (base.length >= 4 && commonPasswords().has(base))) {
    return "the password is on a list of common passwords";
  }
  if (RUNS.some((r) => r.includes(lower))) return "the password is a run of keys or letters";
  // "aaaaaaaaaaaa", "abababababab", "121212121212": long but guessable at once.
  if (new Set(lower).size < 4) return "the password repeats too few different characters";
  return null;
}

/** Throws WEAK_PASSWORD (400) naming the problem. */
export function assertStrongPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new AppError("WEAK_PASSWORD", problem);
}
