/**
 * docker-compose.yml through docker compose's own loader (compose-go via compose-check): JetStream
 * replication per profile, the secrets staging and production must get from the shell, and a
 * deliberately broken file failing the loader's compose-spec validation.
 */
import { ConfigError } from "@mp4t/contracts";
import { loadConfig } from "@mp4t/runtime";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { COMPOSE_FILE, ComposeError, ROOT, composeCheck, loadProject, readEnvFile } from "./compose.ts";
import { APP, PROFILES, SECRETS, natsHosts, shellFor } from "./compose-fixture.ts";

describe("docker-compose.yml, JetStream replication", () => {
  it.each(PROFILES)("%s keeps as many copies of every stream as it has NATS nodes", (profile) => {
    const { services } = loadProject(profile, shellFor(profile));
    const nodes = Object.keys(services)
      .filter((name) => /^nats(-\d+)?$/.test(name))
      .sort();
    expect(nodes.length).toBe(profile === "production" ? 3 : 1);
    for (const [name, schema] of Object.entries(APP)) {
      const config = loadConfig(name, schema, services[name]!.environment) as { JETSTREAM_REPLICAS: number };
      expect(config.JETSTREAM_REPLICAS, name).toBe(nodes.length);
      expect(natsHosts(services[name]!).sort(), name).toEqual(nodes);
    }
  });
});

describe("docker-compose.yml secrets", () => {
  it("requires exactly the secrets an operator is told to set", () => {
    expect(loadProject("development", shellFor("development")).required.sort()).toEqual(Object.keys(SECRETS).sort());
    const readme = readFileSync(join(ROOT, "deploy", "README.md"), "utf8");
    for (const name of Object.keys(SECRETS)) expect(readme, `deploy/README.md names ${name}`).toContain(name);
  });

  it.each(["staging", "production"])("%s does not start until the secrets come from the shell", (profile) => {
    const envFile = readEnvFile(join(ROOT, "deploy", "compose", `${profile}.env`));
    for (const name of Object.keys(SECRETS)) expect(envFile, name).not.toHaveProperty(name);
    const refused = (() => {
      try {
        loadProject(profile, { MP4T_TLS_DIR: "/nonexistent" });
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(ComposeError);
    for (const name of Object.keys(SECRETS)) expect((refused as ComposeError).message).toContain(`required variable ${name} is missing a value`);
  });

  it("production hands the gateway's secret check a weak JWT_SECRET to refuse", () => {
    const { services } = loadProject("production", { ...shellFor("production"), JWT_SECRET: "short-but-set" });
    expect(() => loadConfig("gateway", APP.gateway!, services.gateway!.environment)).toThrow(ConfigError);
    expect(() => loadConfig("gateway", APP.gateway!, services.gateway!.environment)).toThrow(/JWT_SECRET/);
  });
});

describe("the compose loader refuses a broken file", () => {
  const dir = mkdtempSync(join(tmpdir(), "mp4t-compose-broken-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const original = readFileSync(COMPOSE_FILE, "utf8");
  /** The file with one edit, loaded from a temp copy with the repository as its project directory. */
  const loadEdited = (from: string, to: string) => {
    expect(original, `the edit's anchor: ${from}`).toContain(from);
    const file = join(dir, "docker-compose.yml");
    writeFileSync(file, original.replace(from, to));
    return () => composeCheck({ profile: "development", shell: shellFor("development"), file, projectDir: ROOT });
  };

  it("loads the unedited copy", () => {
    expect(loadEdited("interval: 15s", "interval: 15s")()).toHaveProperty("services.gateway");
  });

  it.each([
    ["a health check interval that is not a duration", "interval: 15s", "interval: banana", /banana|interval|duration/i],
    [
      "an unknown key in a service",
      '    restart: unless-stopped\n    command: ["--config"',
      '    restart: unless-stopped\n    restart_policy: always\n    command: ["--config"',
      /restart_policy|additional propert/i,
    ],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation, literally
    ["a replica count that is not a number", 'deploy: { replicas: "${INGEST_REPLICAS:-1}" }', 'deploy: { replicas: "many" }', /replicas|many/i],
    [
      "depends_on a condition that does not exist",
      "x-healthy: &healthy { condition: service_healthy }",
      "x-healthy: &healthy { condition: service_happy }",
      /condition|service_happy/i,
    ],
  ])("%s", (_what, from, to, message) => {
    const err = (() => {
      try {
        loadEdited(from, to)();
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ComposeError);
    expect((err as ComposeError).message).toMatch(message);
  });
});
