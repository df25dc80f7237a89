import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SERVICE_NAMES, type ServiceName } from "@mp4t/contracts";
import { startServices, type ServiceDefinition } from "@mp4t/messaging";
import { freePort, startNats, type NatsServer } from "@mp4t/testing";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The all-in-one process (scripts/all-in-one.ts runs `startServices`): six services in ONE Node
 * process, each with its own NATS connection and user; the split layout runs the gateway alone
 * and the five workers in one such process. Here each group runs as one `startServices` in this
 * test's process, each definition wrapped only to keep the very connection its code is given; the
 * server (real nats-server with the generated permission table) must refuse the transcriber's
 * connection what the transcriber's user may not do, although the gateway's connection may.
 */
const PERMISSION = /permissions violation/i;
const WORKERS = SERVICE_NAMES.filter((n) => n !== "gateway");

describe.each([
  { layout: "all-in-one", groups: [[...SERVICE_NAMES]] },
  { layout: "split", groups: [["gateway"], WORKERS] },
] as const)("$layout layout: each service in a shared process keeps its own NATS rights", ({ groups }) => {
  let nats: NatsServer;
  let dataDir: string;
  const started: Awaited<ReturnType<typeof startServices>>[] = [];
  const given = new Map<ServiceName, NatsConnection>();

  beforeAll(async () => {
    nats = await startNats({ auth: true });
    dataDir = await mkdtemp(join(tmpdir(), "mp4t-aio-auth-"));
    const port = await freePort();
    const defs = await Promise.all(
      SERVICE_NAMES.map(async (name): Promise<[ServiceName, ServiceDefinition]> => {
        const { service } = (await import(`../../services/${name}/src/service.ts`)) as { service: ServiceDefinition };
        const keep: ServiceDefinition = { ...service, start: (ctx) => (given.set(name, ctx.nc), service.start(ctx)) };
        return [name, keep];
      }),
    ).then((d) => new Map(d));
    const envOf = (name: ServiceName): NodeJS.ProcessEnv => ({
      NATS_URL: nats.url,
      NATS_USER: name,
      NATS_PASSWORD: nats.credentials![name].pass,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      SHUTDOWN_GRACE_SEC: "2",
      ...(name === "gateway" ? { JWT_SECRET: randomBytes(48).toString("base64url") } : {}),
    });
    // The groups start together: the workers wait for the streams the gateway creates.
    await Promise.all(
      groups.map(async (group) => {
        const names = group as readonly ServiceName[];
        const defsOf = names.map((n) => defs.get(n)!);
        started.push(
          await startServices(defsOf, envOf, (reason) => {
            throw new Error(reason);
          }),
        );
      }),
    );
  }, 90_000);
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
    await nats?.[Symbol.asyncDispose]();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("runs all six services in the layout's groups, each on a connection of its own", async () => {
    expect(started.map((g) => g.services.map((s) => s.name).sort()).sort()).toEqual(groups.map((g) => [...g].sort()).sort());
    const conns = SERVICE_NAMES.map((n) => given.get(n));
    expect(new Set(conns).size).toBe(6);
    const ids = conns.map((nc) => nc!.info?.client_id);
    expect(new Set(ids).size).toBe(6);
  });

  it("refuses the transcriber's connection the users bucket, which the gateway's connection in the same process reads", async () => {
    const gateway = await jetstreamManager(given.get("gateway")!);
    expect((await gateway.streams.info("KV_mp4t-users")).config.name).toBe("KV_mp4t-users");

    const nc = given.get("transcriber")!;
    const jsm = await jetstreamManager(nc);
    await expect(jsm.streams.info("KV_mp4t-users")).rejects.toThrow(PERMISSION);
    await expect(jsm.direct.getMessage("KV_mp4t-users", { last_by_subj: "$KV.mp4t-users.>" })).rejects.toThrow(PERMISSION);
    await expect(jetstream(nc).publish("$KV.mp4t-users.email.attacker", JSON.stringify({ role: "admin" }))).rejects.toThrow(PERMISSION);
    // Still alive and allowed its own work: the violation closed nothing.
    expect(nc.isClosed()).toBe(false);
    expect((await jsm.streams.info("MP4T_HIGH")).config.name).toBe("MP4T_HIGH");
  });

  it("refuses every worker's connection the stream administration only the gateway has", async () => {
    for (const name of ["ingest", "transcriber", "diarizer", "enhancer", "janitor"] as const) {
      const jsm = await jetstreamManager(given.get(name)!);
      await expect(jsm.streams.delete("MP4T_HIGH"), name).rejects.toThrow(PERMISSION);
    }
  });
});
