import { describe, expect, it } from "vitest";
import { createAddressPolicy } from "./address-policy.ts";
import { checkTarget } from "./target.ts";

const strict = { policy: createAddressPolicy(), requireHttps: true };

describe("checkTarget", () => {
  it("refuses non-http schemes, credentials, plain http when https is required, and bad URLs", async () => {
    for (const url of ["ftp://8.8.8.8/", "file:///etc/passwd", "gopher://8.8.8.8/", "not a url"]) {
      expect((await checkTarget(url, strict)).ok, url).toBe(false);
    }
    expect(await checkTarget("https://u:p@8.8.8.8/", strict)).toMatchObject({ ok: false, reason: /credentials/ });
    expect(await checkTarget("http://8.8.8.8/", strict)).toMatchObject({ ok: false, reason: /https is required/ });
    expect(await checkTarget("https://8.8.8.8/", strict)).toMatchObject({ ok: true });
  });

  it("refuses literal and resolved non-public addresses, in every spelling", async () => {
    const policy = { ...strict, requireHttps: false };
    for (const url of [
      "http://10.0.0.1/",
      "http://169.254.169.254/latest/meta-data/",
      "http://127.0.0.1:8080/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://0x7f000001/",
      "http://2130706433/",
      "http://0/",
      "http://localhost/",
    ]) {
      expect(await checkTarget(url, policy), url).toMatchObject({ ok: false });
    }
  });

  it("lets allow-listed hosts through, with http", async () => {
    const listed = { policy: createAddressPolicy({ allow: ["localhost"] }), requireHttps: true };
    const r = await checkTarget("http://localhost:9/x", listed);
    expect(r.ok).toBe(true);
    expect(r.ok && r.addresses.every((a) => ["127.0.0.1", "::1"].includes(a.address))).toBe(true);
  });
});
