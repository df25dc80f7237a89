import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Streams } from "@mp4t/contracts";
import { natsServerBin } from "@mp4t/runtime";
import { NATS_USERS, deployNatsConfigs, ensureTopology, inboxPrefix, passwordEnv } from "@mp4t/messaging/internal";
import { freePort, pollUntil } from "@mp4t/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureNatsTls } from "../../scripts/nats-secure.ts";

type Node = { name: string; client: number; route: number; monitor: number; proc?: ChildProcess };

/**
 * The committed deploy/nats/nats-cluster.conf, run as three real nats-servers: only its paths,
 * host names and ports are rewritten for one machine. Clients need TLS and credentials; routes
 * need a certificate from the cluster's CA.
 */
describe("deploy/nats/nats-cluster.conf", () => {
  let dir: string;
  let tls: ReturnType<typeof ensureNatsTls>;
  const nodes: Node[] = [];
  const procs: ChildProcess[] = [];
  const env = Object.fromEntries(NATS_USERS.map((u) => [passwordEnv(u), `${u}-password-for-the-cluster-test`]));

  const confFor = (n: Node, tlsFiles: typeof tls, routes: string[]) =>
    deployNatsConfigs()
      ["nats-cluster.conf"].replaceAll("/etc/nats/tls/ca.pem", tlsFiles.caFile)
      .replaceAll("/etc/nats/tls/server.pem", tlsFiles.certFile)
      .replaceAll("/etc/nats/tls/server-key.pem", tlsFiles.keyFile)
      .replace(`"0.0.0.0:4222"`, `"127.0.0.1:${n.client}"`)
      .replace("http_port: 8222", `http_port: ${n.monitor}`)
      .replace(`"/data"`, JSON.stringify(join(dir, n.name)))
      .replace(`"0.0.0.0:6222"`, `"127.0.0.1:${n.route}"`)
      .replace(/routes: \[[^\]]*\]/, `routes: [${routes.map((r) => JSON.stringify(r)).join(", ")}]`);

  async function start(n: Node, tlsFiles: typeof tls, routes: string[]) {
    await mkdir(join(dir, n.name), { recursive: true });
    const conf = join(dir, `${n.name}.conf`);
    await writeFile(conf, confFor(n, tlsFiles, routes));
    const proc = spawn(natsServerBin(), ["-c", conf, "--name", n.name], { env: { ...process.env, ...env }, stdio: "ignore" });
    procs.push(proc);
    n.proc = proc;
  }

  const routesOf = async (n: Node) => ((await (await fetch(`http://127.0.0.1:${n.monitor}/routez`)).json()) as { num_routes: number }).num_routes;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mp4t-nats-cluster-tls-"));
    tls = ensureNatsTls(join(dir, "pki"), ["localhost", "127.0.0.1"]);
    for (let i = 1; i <= 3; i++) nodes.push({ name: `nats-${i}`, client: await freePort(), route: await freePort(), monitor: await freePort() });
    const routes = nodes.map((n) => `nats://localhost:${n.route}`);
    for (const n of nodes) await start(n, tls, routes);
    await pollUntil(
      () => Promise.all(nodes.map(routesOf)),
      (r) => r.every((x) => x >= 2),
      "routes between the three nodes",
    );
    const leaderOf = async (n: Node) =>
      ((await (await fetch(`http://127.0.0.1:${n.monitor}/jsz`)).json()) as { meta_cluster?: { leader?: string } }).meta_cluster?.leader;
    await pollUntil(
      () => Promise.all(nodes.map(leaderOf)),
      (l) => Boolean(l[0]) && l.every((x) => x === l[0]),
      "a JetStream meta leader",
    );
  }, 60_000);
  afterAll(async () => {
    for (const p of procs) p.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("replicates streams over mutually authenticated TLS routes for a client with TLS and credentials", async () => {
    const nc = await connect({
      servers: nodes.map((n) => `localhost:${n.client}`),
      user: "gateway",
      pass: env[passwordEnv("gateway")],
      inboxPrefix: inboxPrefix("gateway"),
      tls: { caFile: tls.caFile },
    });
    try {
      const jsm = await jetstreamManager(nc);
      await pollUntil(() => ensureTopology(jsm, { replicas: 3 }).then(() => true), Boolean, "streams on a JetStream cluster");
      const info = await jsm.streams.info(Streams.events);
      expect(info.config.num_replicas).toBe(3);
      expect((info.cluster?.replicas ?? []).length).toBe(2);
    } finally {
      await nc.close();
    }
    await expect(connect({ servers: `localhost:${nodes[0]!.client}`, reconnect: false, tls: { caFile: tls.caFile } })).rejects.toThrow(/authorization/i);
    await expect(connect({ servers: `localhost:${nodes[0]!.client}`, reconnect: false, user: "gateway", pass: env[passwordEnv("gateway")] })).rejects.toThrow(); // no CA: the server's certificate is not trusted
  });

  it("keeps out a node whose certificate another CA signed", async () => {
    const before = await routesOf(nodes[0]!); // route pooling: several routes per peer
    const rogueTls = ensureNatsTls(join(dir, "rogue-pki"), ["localhost", "127.0.0.1"]);
    const rogue: Node = { name: "rogue", client: await freePort(), route: await freePort(), monitor: await freePort() };
    await start(rogue, rogueTls, [`nats://localhost:${nodes[0]!.route}`]);
    await pollUntil(
      () => fetch(`http://127.0.0.1:${rogue.monitor}/healthz`).then((r) => r.status),
      () => true,
      "the rogue node up",
    );
    // Its route attempts are refused in the TLS handshake; give it a few of them.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await routesOf(rogue)).toBe(0);
    expect(await routesOf(nodes[0]!)).toBe(before);
  });
});
