/**
 * docker-compose.yml cannot be run where it is written (no container engine), so this checks what
 * docker compose's own loader (compose-go, via compose-check) resolves for each profile: the
 * services' environments against their own config schemas, stores, NATS users and TLS, health
 * checks, restart policies, one image, start order, mounts, published ports and pinned images.
 */
import { loadConfig, selectProfile, workerSettings, type WorkerEnvConfig } from "@mp4t/runtime";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, loadProject, type Project } from "./compose.ts";
import { APP, NATS_USERS, PROFILES, TLS_DIR, WORKERS, hostOf, natsHosts, natsPasswordVar, shellFor } from "./compose-fixture.ts";

const NATS_CONF_DIR = join(ROOT, "deploy", "nats");
const INFRA = ["postgres", "ferretdb", "s3", "jaeger", "prometheus"];

describe.each(PROFILES)("docker-compose.yml, %s profile", (profile) => {
  const project: Project = loadProject(profile, shellFor(profile));
  const { services } = project;
  const app = () => Object.keys(APP).map((name) => services[name]!);
  const nats = profile === "production" ? ["nats-1", "nats-2", "nats-3"] : ["nats"];

  it("runs the six services, NATS, FerretDB on PostgreSQL, S3 (versitygw), Jaeger and Prometheus, and no Grafana", () => {
    expect(Object.keys(services).sort()).toEqual([...Object.keys(APP), ...nats, ...INFRA].sort());
    expect(project.defined.filter((n) => /grafana|minio|mongo/i.test(n))).toEqual([]);
    expect(services.s3!.image).toMatch(/^ghcr\.io\/versity\/versitygw:v\d/);
    expect(services.ferretdb!.image).toMatch(/^ghcr\.io\/ferretdb\/ferretdb:1\.\d+\.\d+$/);
    expect(services.postgres!.image).toMatch(/^postgres:\d+\.\d+/);
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

  it("keeps jobs in FerretDB on PostgreSQL and blobs in the S3 server of this project, with the credentials they start with", () => {
    const pg = services.postgres!.environment;
    const ferret = services.ferretdb!.environment;
    const s3 = services.s3!.environment;
    expect(pg.POSTGRES_PASSWORD!.length).toBeGreaterThanOrEqual(8);
    // FerretDB reaches PostgreSQL as the role the image created, in the database it created.
    const pgUrl = new URL(ferret.FERRETDB_POSTGRESQL_URL!);
    expect({ handler: ferret.FERRETDB_HANDLER, host: pgUrl.hostname, db: pgUrl.pathname.slice(1) }).toEqual({
      handler: "postgresql",
      host: "postgres",
      db: pg.POSTGRES_DB,
    });
    expect([decodeURIComponent(pgUrl.username), decodeURIComponent(pgUrl.password)]).toEqual([pg.POSTGRES_USER, pg.POSTGRES_PASSWORD]);
    // Its own users (SCRAM): anonymous clients are refused, and `ferretdb ping` (the health check)
    // checks nothing unless a setup user exists.
    expect(ferret.FERRETDB_TEST_ENABLE_NEW_AUTH).toBe("true");
    expect([ferret.FERRETDB_SETUP_USERNAME, ferret.FERRETDB_SETUP_PASSWORD]).toEqual([pg.POSTGRES_USER, pg.POSTGRES_PASSWORD]);
    expect(ferret.FERRETDB_SETUP_DATABASE).toBeTruthy();
    expect(services.ferretdb!.healthcheck!.test).toEqual(["CMD", "/ferretdb", "ping"]);
    expect(services.ferretdb!.depends_on).toEqual({ postgres: { condition: "service_healthy", required: true } });
    expect(services.postgres!.healthcheck!.test).toEqual(["CMD", "pg_isready", "-h", "127.0.0.1", "-U", pg.POSTGRES_USER, "-d", pg.POSTGRES_DB]);
    expect(s3.ROOT_ACCESS_KEY_ID!.length).toBeGreaterThanOrEqual(3);
    expect(s3.ROOT_SECRET_ACCESS_KEY!.length).toBeGreaterThanOrEqual(8);
    expect(services.s3!.command).toEqual(expect.arrayContaining(["posix", "--health", "/health"]));
    for (const s of app()) {
      const env = s.environment;
      expect({ job: env.JOB_STORE, blob: env.BLOB_STORE }, s.name).toEqual({ job: "mongodb", blob: "s3" });
      const url = new URL(env.MONGODB_URL!);
      expect(url.hostname, s.name).toBe("ferretdb");
      expect([decodeURIComponent(url.username), decodeURIComponent(url.password)], s.name).toEqual([
        ferret.FERRETDB_SETUP_USERNAME,
        ferret.FERRETDB_SETUP_PASSWORD,
      ]);
      expect(url.searchParams.get("authSource"), `${s.name}: FerretDB keeps the user in its setup database`).toBe(ferret.FERRETDB_SETUP_DATABASE);
      expect(hostOf(env.S3_ENDPOINT!), s.name).toBe("s3");
      expect([env.S3_ACCESS_KEY, env.S3_SECRET_KEY], s.name).toEqual([s3.ROOT_ACCESS_KEY_ID, s3.ROOT_SECRET_ACCESS_KEY]);
    }
  });

  it("keeps the stores' data on named volumes", () => {
    expect(services.postgres!.volumes).toEqual([expect.objectContaining({ type: "volume", source: "postgres-data", target: "/var/lib/postgresql/data" })]);
    expect(services.s3!.volumes).toEqual([expect.objectContaining({ type: "volume", source: "s3-data", target: "/data" })]);
  });

  it("connects every service over TLS as its own NATS user, with the password its NATS server holds", () => {
    for (const s of app()) {
      for (const host of natsHosts(s)) expect(services, `${s.name} NATS_URL`).toHaveProperty(host);
      expect(
        s.environment.NATS_URL!.split(",").every((u) => u.startsWith("tls://")),
        s.name,
      ).toBe(true);
      expect(s.environment.NATS_USER, s.name).toBe(s.name);
      expect(s.environment.NATS_TLS_CA_FILE, s.name).toBe("/etc/mp4t/tls/ca.pem");
      expect(
        s.volumes.find((v) => v.target === "/etc/mp4t/tls/ca.pem"),
        s.name,
      ).toMatchObject({ type: "bind", source: join(TLS_DIR, "ca.pem"), read_only: true });
      expect(
        s.volumes.some((v) => /key/.test(v.source ?? "")),
        `${s.name} holds no key`,
      ).toBe(false);
      for (const node of nats) expect(s.environment.NATS_PASSWORD, s.name).toBe(services[node]!.environment[natsPasswordVar(s.name)]);
      expect(s.environment.MP4T_SERVICE, s.name).toBe(s.name);
      expect(services, s.name).toHaveProperty(hostOf(s.environment.OTEL_EXPORTER_OTLP_ENDPOINT!));
    }
    for (const node of nats) {
      const env = services[node]!.environment;
      expect(
        Object.keys(env)
          .filter((k) => /^NATS_\w+_PASSWORD$/.test(k))
          .sort(),
      ).toEqual(NATS_USERS.map(natsPasswordVar).sort());
      expect(new Set(NATS_USERS.map((u) => env[natsPasswordVar(u)])).size, "one password per user").toBe(NATS_USERS.length);
      const conf = profile === "production" ? "nats-cluster.conf" : "nats.conf";
      expect(services[node]!.command).toEqual(["-c", `/etc/nats/${conf}`, "--name", node]);
      expect(services[node]!.volumes.map((v) => [v.source, v.target])).toEqual(
        expect.arrayContaining([
          [join(NATS_CONF_DIR, conf), `/etc/nats/${conf}`],
          [TLS_DIR, "/etc/nats/tls"],
        ]),
      );
    }
  });

  it("has a health check and a restart policy on every service", () => {
    for (const s of Object.values(services)) {
      expect(s.healthcheck?.test?.[0], s.name).toMatch(/^CMD(-SHELL)?$/);
      expect(s.restart, s.name).toMatch(/^(unless-stopped|always)$/);
    }
    for (const s of app()) expect(s.healthcheck!.test, s.name).toEqual(["CMD", "node", "/app/deploy/docker/healthcheck.mjs"]);
  });

  it("runs one image for the six services, built once, read-only with a scratch /tmp", () => {
    const images = new Set(app().map((s) => s.image));
    expect([...images]).toEqual(["mp4totext:dev"]); // TAG in deploy/compose/<profile>.env
    expect(
      app()
        .filter((s) => s.build)
        .map((s) => s.name),
    ).toEqual(["gateway"]);
    expect(services.gateway!.build!.context).toBe(ROOT);
    for (const s of app()) {
      expect(s.read_only, s.name).toBe(true);
      expect(s.volumes.find((v) => v.target === "/tmp")?.type, s.name).toBe("volume");
    }
  });

  it("starts a service after its NATS servers and stores are healthy, and workers after the gateway", () => {
    for (const s of Object.values(services)) {
      for (const [target, dep] of Object.entries(s.depends_on)) {
        expect(project.defined, `${s.name} depends on ${target}`).toContain(target);
        if (dep.required) expect(services, `${s.name} needs ${target}`).toHaveProperty(target);
      }
    }
    for (const s of app()) {
      const healthy = Object.entries(s.depends_on)
        .filter(([t, d]) => services[t] && d.condition === "service_healthy")
        .map(([t]) => t);
      const expected = [...natsHosts(s), "ferretdb", "s3", ...(s.name === "gateway" ? [] : ["gateway"])];
      expect(healthy.sort(), s.name).toEqual(expected.sort());
    }
  });

  it("mounts files that exist and volumes that are declared", () => {
    for (const s of Object.values(services)) {
      for (const m of s.volumes) {
        if (m.type === "volume" && m.source) expect(project.volumes, `${s.name}: volume ${m.source}`).toContain(m.source);
        // deploy/nats/*.conf are generated by the NATS permission table (nats-auth work); see below.
        if (m.type === "bind" && !m.source!.startsWith(NATS_CONF_DIR)) expect(existsSync(m.source!), `${s.name}: ${m.source}`).toBe(true);
      }
    }
  });

  // deploy/nats/ is generated and committed by the NATS least-privilege work (nats-auth branch);
  // until it is merged here there is nothing to mount.
  it("mounts the generated NATS server configs, which read every password from the environment", () => {
    for (const node of nats) {
      for (const m of services[node]!.volumes.filter((v) => v.source?.startsWith(NATS_CONF_DIR))) {
        const conf = readFileSync(m.source!, "utf8");
        for (const user of NATS_USERS) expect(conf, `${m.source} ${user}`).toContain(`$${natsPasswordVar(user)}`);
      }
    }
  });

  it("publishes only the gateway to the network, Jaeger's UI and Prometheus on this host, never NATS or a store", () => {
    for (const s of Object.values(services)) {
      if (s.name === "gateway") expect(s.ports.map((p) => p.target)).toEqual([8080]);
      else if (s.name === "jaeger" || s.name === "prometheus") for (const p of s.ports) expect(p.host_ip, s.name).toBe("127.0.0.1");
      else expect(s.ports, `${s.name} publishes nothing`).toEqual([]);
    }
  });

  it("pins every image to a version", () => {
    for (const s of Object.values(services)) {
      if (s.build) continue; // ours, tagged TAG
      const tag = /:([\w][\w.-]*)(@sha256:[0-9a-f]{64})?$/.exec(s.image ?? "")?.[1];
      if (s.image?.startsWith("mp4totext:")) continue;
      expect(tag, `${s.name}: ${s.image}`).toMatch(/\d/);
      expect(tag, s.name).not.toMatch(/latest|edge|nightly/i);
    }
  });

  it("sizes each worker's consumers for its replicas", () => {
    for (const name of Object.keys(WORKERS)) {
      const s = services[name]!;
      const replicas = Number(s.deploy?.replicas ?? 1);
      expect(Number.isInteger(replicas) && replicas >= 1, name).toBe(true);
      expect(Number(s.environment.WORKER_REPLICAS), name).toBe(replicas);
    }
  });
});
