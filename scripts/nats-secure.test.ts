import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { natsHashCost, natsPassword, prepareSecureNats } from "./nats-secure.ts";

describe("the NATS passwords npm start writes", () => {
  it("hashes a generated password at bcrypt's minimum cost and one an operator wrote at 11, in the config nats-server reads", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "mp4t-nats-secure-"));
    try {
      const generated = natsPassword(dataDir, "gateway");
      expect(generated).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(natsHashCost(generated)).toBe(4);
      writeFileSync(join(dataDir, "nats-auth", "janitor.password"), "correct horse battery staple\n");
      expect(natsHashCost(natsPassword(dataDir, "janitor"))).toBe(11);

      const nats = prepareSecureNats({ dataDir, port: 4222, listen: "127.0.0.1", tlsHosts: [], publicHost: "localhost", jwtSecret: "x".repeat(32) });
      const config = readFileSync(nats.configFile, "utf8");
      const hashOf = (user: string) => new RegExp(`user: "?${user}"?\\s+password: "([^"]+)"`).exec(config)?.[1];
      const gatewayHash = hashOf("gateway");
      const janitorHash = hashOf("janitor");
      expect(gatewayHash).toMatch(/^\$2a\$04\$/);
      expect(janitorHash).toMatch(/^\$2a\$11\$/);
      // That real nats-server accepts these hashes, and refuses a wrong password, every system test
      // shows (tests/security/nats-system.int.test.ts names the refusals).
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
