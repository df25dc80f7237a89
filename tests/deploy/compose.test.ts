/**
 * docker-compose.yml cannot be run where it is written (no Docker engine), so this checks what
 * compose would resolve for each profile: the services DESIGN.md names, environments each
 * service's own config schema accepts, stores and NATS that exist in the profile, dependencies,
 * mounts, pinned images and secrets that staging and production must get from the shell.
 */
import { ConfigError, loadConfig, selectProfile, workerSettings, type WorkerEnvConfig } from "@mp4t/platform";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configSchema as diarizer } from "../../services/diarizer/src/config.ts";
import { configSchema as enhancer } from "../../services/enhancer/src/config.ts";
import { configSchema as gateway } from "../../services/gateway/src/config.ts";
import { configSchema as ingest } from "../../services/ingest/src/config.ts";
// The janitor has no src/index.ts; its config module has no side effects.
import { configSchema as janitor } from "../../services/janitor/src/config.ts";
import { configSchema as transcriber } from "../../services/transcriber/src/config.ts";
import { ComposeError, ROOT, loadProject, readEnvFile, type Project, type Service, type Vars } from "./compose.ts";

const PROFILES = ["development", "staging", "production"] as const;
const WORKERS = { ingest, transcriber, diarizer, enhancer, janitor } as const;
const APP: Record<string, Parameters<typeof loadConfig>[1]> = { gateway, ...WORKERS };

/** What an operator exports from a secret store for staging and production. */
const secret = () => randomBytes(24).toString("hex");
const SECRETS: Vars = {
  JWT_SECRET: secret(), ADMIN_PASSWORD: secret(), MONGODB_PASSWORD: secret(), S3_SECRET_KEY: secret(), GRAFANA_ADMIN_PASSWORD: secret(),
};
/** Development's env file has the store passwords; the gateway's key and admin password come from the shell in every profile. */
const DEV_SHELL: Vars = { JWT_SECRET: secret(), ADMIN_PASSWORD: secret() };
const shellFor = (profile: string): Vars => (profile === "development" ? DEV_SHELL : SECRETS);

const hostOf = (url: string) => new URL(url).hostname;
const natsHosts = (s: Service) => s.environment.NATS_URL!.split(",").map((u) => hostOf(u.trim()));
const sourceOf = (mount: string | { source?: string }) => (typeof mount === "string" ? mount.split(":")[0]! : mount.source ?? "");

describe.each(PROFILES)("docker-compose.yml, %s profile", (profile) => {
  const project: Project = loadProject(profile, shellFor(profile));
  const { services } = project;
  const app = () => Object.keys(APP).map((name) => services[name]!);

  it("runs the six services, NATS, MongoDB, MinIO and Jaeger", () => {
    const nats = profile === "production" ? ["nats-1", "nats-2", "nats-3"] : ["nats"];
    for (const name of [...Object.keys(APP), ...nats, "mongodb", "minio", "jaeger"]) expect(services, name).toHaveProperty(name);
    if (profile === "production") expect(services).not.toHaveProperty("nats");
    else expect(services).not.toHaveProperty("nats-1");
  });

  it("gives every service an environment its own config schema accepts, in this profile", () => {
    for (const [name, schema] of Object.entries(APP)) {
      const config = loadConfig(name, schema, services[name]!.environment) as WorkerEnvConfig;
      expect(config.NODE_ENV, name).toBe(profile);
      if (name === "gateway") continue;
      expect(selectProfile(config), name).toBe(profile);
      // Production refuses bad worker settings at start; the others only warn: want neither.
      expect(workerSettings(config).warnings, name).toEqual([]);
    }
  });

  it("keeps jobs in MongoDB and blobs in MinIO of this project, with the credentials they start with", () => {
    const mongo = services.mongodb!.environment;
    const minio = services.minio!.environment;
    expect(minio.MINIO_ROOT_USER!.length).toBeGreaterThanOrEqual(3);
    expect(minio.MINIO_ROOT_PASSWORD!.length).toBeGreaterThanOrEqual(8);
    for (const s of app()) {
      const env = s.environment;
      expect({ job: env.JOB_STORE, blob: env.BLOB_STORE }, s.name).toEqual({ job: "mongodb", blob: "s3" });
      const url = new URL(env.MONGODB_URL!);
      expect(services, s.name).toHaveProperty(url.hostname);
      expect([decodeURIComponent(url.username), decodeURIComponent(url.password)], s.name)
        .toEqual([mongo.MONGO_INITDB_ROOT_USERNAME, mongo.MONGO_INITDB_ROOT_PASSWORD]);
      expect(services, s.name).toHaveProperty(hostOf(env.S3_ENDPOINT!));
      expect([env.S3_ACCESS_KEY, env.S3_SECRET_KEY], s.name).toEqual([minio.MINIO_ROOT_USER, minio.MINIO_ROOT_PASSWORD]);
    }
  });

  it("points every service at the NATS servers and the Jaeger of this profile", () => {
    for (const s of app()) {
      for (const host of natsHosts(s)) expect(services, `${s.name} NATS_URL`).toHaveProperty(host);
      expect(services, s.name).toHaveProperty(hostOf(s.environment.OTEL_EXPORTER_OTLP_ENDPOINT!));
    }
  });

  it("starts a service after its NATS servers and stores are healthy", () => {
    for (const s of Object.values(services)) {
      for (const [target, dep] of Object.entries(s.depends_on)) {
        expect(project.defined, `${s.name} depends on ${target}`).toContain(target);
        if (dep.required) expect(services, `${s.name} needs ${target}`).toHaveProperty(target);
        if (dep.condition === "service_healthy" && services[target]) expect(services[target]!.healthcheck, `${target} healthcheck`).toBeDefined();
      }
    }
    for (const s of app()) {
      const healthy = Object.entries(s.depends_on).filter(([t, d]) => services[t] && d.condition === "service_healthy").map(([t]) => t);
      expect(healthy, s.name).toEqual(expect.arrayContaining([...natsHosts(s), "mongodb", "minio"]));
    }
  });

  it("mounts files that exist and volumes that are declared", () => {
    for (const s of Object.values(services)) {
      for (const mount of s.volumes) {
        const source = sourceOf(mount);
        if (source.startsWith(".") || source.startsWith("/")) expect(existsSync(join(ROOT, source)), `${s.name}: ${source}`).toBe(true);
        else expect(project.volumes, `${s.name}: volume ${source}`).toContain(source);
      }
    }
  });

  it("pins every image to a version", () => {
    for (const s of Object.values(services)) {
      if (s.build !== undefined && s.image === undefined) continue;
      const tag = /:([\w][\w.-]*)(@sha256:[0-9a-f]{64})?$/.exec(s.image ?? "")?.[1];
      expect(tag, `${s.name}: ${s.image}`).toMatch(/\d/);
      expect(tag, s.name).not.toMatch(/latest|edge|nightly/i);
    }
  });

  it("sizes each worker's consumers for its replicas and publishes host ports once", () => {
    for (const name of Object.keys(WORKERS)) {
      const s = services[name]!;
      const replicas = Number(s.deploy?.replicas ?? 1);
      expect(Number.isInteger(replicas) && replicas >= 1, name).toBe(true);
      expect(Number(s.environment.WORKER_REPLICAS), name).toBe(replicas);
      expect(s.ports, `${name} has ${replicas} replicas`).toEqual([]);
    }
    const published = Object.values(services).flatMap((s) => s.ports.map((p) => p.split(":").slice(0, -1).join(":")));
    expect(published.length).toBeGreaterThan(0);
    expect(new Set(published).size, published.join(" ")).toBe(published.length);
  });
});

describe("docker-compose.yml, JetStream replication", () => {
  it.each(PROFILES)("%s keeps as many copies of every stream as it has NATS nodes", (profile) => {
    const { services } = loadProject(profile, shellFor(profile));
    const nodes = Object.keys(services).filter((name) => /^nats(-\d+)?$/.test(name)).sort();
    expect(nodes.length).toBe(profile === "production" ? 3 : 1);
    for (const [name, schema] of Object.entries(APP)) {
      const config = loadConfig(name, schema, services[name]!.environment) as { JETSTREAM_REPLICAS: number };
      expect(config.JETSTREAM_REPLICAS, name).toBe(nodes.length);
      expect(natsHosts(services[name]!).sort(), name).toEqual(nodes);
    }
    if (profile === "production") {
      const conf = readFileSync(join(ROOT, "deploy", "nats-cluster.conf"), "utf8");
      expect(conf.match(/nats:\/\/nats-\d:6222/g)?.sort()).toEqual(nodes.map((n) => `nats://${n}:6222`));
    }
  });
});

describe("docker-compose.yml secrets", () => {
  it("requires exactly the secrets an operator is told to set", () => {
    expect(loadProject("development", DEV_SHELL).required.sort()).toEqual(Object.keys(SECRETS).sort());
    const devFile = readEnvFile(join(ROOT, "deploy", "compose", "development.env"));
    for (const name of Object.keys(DEV_SHELL)) expect(devFile, name).not.toHaveProperty(name);
  });

  it.each(["staging", "production"])("%s does not start until the secrets come from the shell", (profile) => {
    const envFile = readEnvFile(join(ROOT, "deploy", "compose", `${profile}.env`));
    for (const name of Object.keys(SECRETS)) expect(envFile, name).not.toHaveProperty(name);
    const refused = (() => {
      try {
        loadProject(profile);
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(ComposeError);
    for (const name of Object.keys(SECRETS)) expect((refused as ComposeError).message).toContain(`required variable ${name} `);
  });

  it("production hands the gateway's secret check a weak JWT_SECRET to refuse", () => {
    const { services } = loadProject("production", { ...SECRETS, JWT_SECRET: "short-but-set" });
    expect(() => loadConfig("gateway", gateway, services.gateway!.environment)).toThrow(ConfigError);
    expect(() => loadConfig("gateway", gateway, services.gateway!.environment)).toThrow(/JWT_SECRET/);
  });
});
