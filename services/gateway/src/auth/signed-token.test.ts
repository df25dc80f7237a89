import { describe, expect, it } from "vitest";
import { tokenSigner } from "./signed-token.ts";
import { userCache } from "./user-cache.ts";

describe("signed tokens", () => {
  const rt = tokenSigner("k".repeat(8) + "0123456789abcdefghijklmnopqrstuv", "rt1");
  it("round-trips a payload and refuses tampering, another kind and another key", () => {
    const t = rt.sign({ u: "a", g: 1 });
    expect(rt.verify(t)).toEqual({ u: "a", g: 1 });
    const [kind, body, mac] = t.split(".");
    expect(rt.verify(`${kind}.${Buffer.from('{"u":"a","g":2}').toString("base64url")}.${mac}`)).toBeNull();
    expect(rt.verify(`${kind}.${body}.${mac!.slice(0, -2)}AA`)).toBeNull();
    expect(tokenSigner("k".repeat(8) + "0123456789abcdefghijklmnopqrstuv", "inv1").verify(t)).toBeNull();
    expect(tokenSigner("another key entirely, 32+ chars long", "rt1").verify(t)).toBeNull();
    for (const junk of ["", "rt1", "rt1..", "a.b.c.d", `rt1.${"x".repeat(3000)}.y`]) expect(rt.verify(junk)).toBeNull();
  });
});

describe("user cache", () => {
  it("reads the store at most once per ttl per email, and forgets on request", async () => {
    let reads = 0;
    const cache = userCache({ getUserByEmail: async () => (reads++, null) }, 60_000);
    await Promise.all([cache.get("a@x.test"), cache.get("a@x.test")]);
    await cache.get("a@x.test");
    expect(reads).toBe(1);
    cache.forget("a@x.test");
    await cache.get("a@x.test");
    expect(reads).toBe(2);
  });

  it("does not use an entry read before notBefore (a token newer than the cached read)", async () => {
    let reads = 0;
    const cache = userCache({ getUserByEmail: async () => (reads++, null) }, 60_000);
    await cache.get("a@x.test");
    await cache.get("a@x.test", Date.now() - 60_000); // an older token: the cached read serves it
    expect(reads).toBe(1);
    await cache.get("a@x.test", Date.now() + 1000); // a token issued after the read: read again
    expect(reads).toBe(2);
  });

  it("does not remember a failed read, and with ttl 0 reads every time", async () => {
    let reads = 0;
    const failing = userCache(
      {
        getUserByEmail: async () => {
          reads++;
          throw new Error("down");
        },
      },
      60_000,
    );
    await expect(failing.get("a@x.test")).rejects.toThrow("down");
    await new Promise((r) => setImmediate(r));
    await expect(failing.get("a@x.test")).rejects.toThrow("down");
    expect(reads).toBe(2);
    let direct = 0;
    const none = userCache({ getUserByEmail: async () => (direct++, null) }, 0);
    await none.get("b@x.test");
    await none.get("b@x.test");
    expect(direct).toBe(2);
  });
});
