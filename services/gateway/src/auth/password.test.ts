import { stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { passwordProblem } from "./password-policy.ts";
import { hashPassword, needsRehash, verifyPassword } from "./password.ts";

describe("password hashing", () => {
  it("hashes at OWASP's scrypt parameters, stored in the hash, and verifies", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse batterz", hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it("verifies an old N=2^14 hash and marks it for rehashing", async () => {
    const old = await hashPassword("correct horse battery", { N: 16_384, r: 8, p: 1 });
    expect(await verifyPassword("correct horse battery", old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
  });

  it("leaves half of libuv's thread pool to file I/O during a burst of logins at a cheap cost", async () => {
    const params = { N: 2 ** 14, r: 8, p: 1 }; // 16 MiB each: the memory budget alone would let all eight run
    const order: string[] = [];
    const hashes = Array.from({ length: 8 }, (_, i) => hashPassword(`burst password ${i}`, params).then(() => order.push("hash")));
    // A file operation queued behind them (an upload's blob write is one): it must not wait for a hash to end.
    const io = stat(import.meta.filename).then(() => order.push("stat"));
    await Promise.all([...hashes, io]);
    expect(order).toHaveLength(9);
    expect(order[0]).toBe("stat");
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same password!")).not.toBe(await hashPassword("same password!"));
  });

  it("never matches a malformed or absurd stored hash", async () => {
    expect(await verifyPassword("x", "")).toBe(false);
    expect(await verifyPassword("x", "bcrypt$whatever")).toBe(false);
    expect(await verifyPassword("x", "scrypt$16384$8$1$c2FsdA==$c2hvcnQ=")).toBe(false);
    expect(await verifyPassword("x", `scrypt$${2 ** 30}$8$1$c2FsdA==$${"A".repeat(88)}`)).toBe(false);
  });
});

describe("password policy", () => {
  it("refuses short, blank, common and repetitive passwords", () => {
    expect(passwordProblem("12345678")).toMatch(/12 characters/);
    expect(passwordProblem(" ".repeat(16))).toMatch(/blank/);
    expect(passwordProblem("123456789012")).not.toBeNull();
    expect(passwordProblem("PasswordPassword".slice(0, 12))).toBeNull(); // "passwordpass" is not on the list
    expect(passwordProblem("aaaaaaaaaaaaaa")).toMatch(/few different/);
    expect(passwordProblem("abababababab")).toMatch(/few different/);
    expect(passwordProblem("correct horse battery")).toBeNull();
  });
});
