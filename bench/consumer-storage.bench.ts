/**
 * Consumer storage: what nats-server spends per work message when the stages' durable consumers
 * keep their state in files (the baseline: nats-server's default, and this project's before
 * 2026-12-03) against in memory (`mem_storage`, topology.ts). Each round starts a fresh
 * nats-server, makes one work-queue stream with BENCH_CONSUMERS (default 80: five stages of 16)
 * filtered durables of one kind, and runs BENCH_CYCLES (default 2000) cycles of publish, pull (the
 * worker's raw pull, pull-now.ts), a handler's time (BENCH_HOLD_MS, default 20 ms, the delivery
 * pending meanwhile) and ack, eight at a time over the consumers, then waits 2 s (a file
 * consumer's state is written by a timer after its acks). It reports nats-server's CPU, write
 * calls and bytes written (files and sockets) per 1000 cycles from /proc. The two kinds
 * alternate, BENCH_ROUNDS (default 3) rounds each; the ratios are of the medians.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { pullNow } from "@mp4t/messaging/internal";
import { startBareNats } from "./overhead/bare-nats.ts";
import { AckPolicy, RetentionPolicy, jetstream, jetstreamManager } from "../tests/lanes/jetstream.ts";
import { cpuBetween, ioOf, sampleTree, total } from "./overhead/proc-stats.ts";

const CYCLES = Number(process.env.BENCH_CYCLES ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONSUMERS = Number(process.env.BENCH_CONSUMERS ?? 80);
const HOLD_MS = Number(process.env.BENCH_HOLD_MS ?? 20);
const PARALLEL = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Round = { server: number; client: number; writeCalls: number; writeKiB: number };

async function round(memory: boolean): Promise<Round> {
  const dir = await mkdtemp(join(tmpdir(), "mp4t-consumer-storage-"));
  const bare = await startBareNats(dir);
  const server = bare.proc;
  try {
    const nc = await connect({ servers: bare.url });
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "WORK", subjects: ["work.>"], retention: RetentionPolicy.Workqueue });
    for (let c = 0; c < CONSUMERS; c++) {
      await jsm.consumers.add("WORK", {
        durable_name: `c${c}`,
        filter_subject: `work.${c}`,
        ack_policy: AckPolicy.Explicit,
        max_deliver: -1,
        mem_storage: memory,
      });
    }
    const payload = new Uint8Array(115).fill(120); // the system's work messages: 115 B on average
    let next = 0;
    const run = (n: number) => {
      next = 0;
      return Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          while (next < n) {
            const c = next++ % CONSUMERS;
            await js.publish(`work.${c}`, payload);
            const m = await pullNow(nc, "WORK", `c${c}`, 500);
            if (!m) throw new Error("a published message was not delivered");
            if (HOLD_MS) await sleep(HOLD_MS); // a handler at work: the delivery is pending meanwhile
            m.ack();
          }
        }),
      );
    };
    await run(200); // warm-up
    await nc.flush();
    await sleep(2000);
    const a = sampleTree([server.pid!, process.pid]);
    const w0 = ioOf(server.pid!);
    const c0 = process.cpuUsage();
    await run(CYCLES);
    await nc.flush();
    const c1 = process.cpuUsage(c0);
    await sleep(2000); // state written after the acks counts too
    const b = sampleTree([server.pid!]);
    const w1 = ioOf(server.pid!);
    const serverCpu = total(
      cpuBetween(
        a.filter((p) => p.pid === server.pid),
        b,
      ),
    );
    await nc.close();
    const per1000 = (n: number) => (n * 1000) / CYCLES;
    return {
      server: per1000(serverCpu),
      client: per1000((c1.user + c1.system) / 1e6),
      writeCalls: per1000(w1.writeCalls - w0.writeCalls),
      writeKiB: per1000((w1.writeBytes - w0.writeBytes) / 1024),
    };
  } finally {
    await bare.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (l: number[]) => [...l].sort((x, y) => x - y)[Math.floor(l.length / 2)]!;

export async function run(): Promise<void> {
  const file: Round[] = [];
  const memory: Round[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const mem of [false, true]) {
      const res = await round(mem);
      (mem ? memory : file).push(res);
      console.log(
        `[consumer-storage] round ${r + 1}, ${mem ? "memory" : "file  "} consumers, per 1000 cycles: nats-server ${res.server.toFixed(3)} s CPU, ${res.writeCalls.toFixed(0)} write calls, ${res.writeKiB.toFixed(0)} KiB written (client ${res.client.toFixed(3)} s CPU)`,
      );
    }
  }
  const med = (l: Round[], k: keyof Round) => median(l.map((x) => x[k]));
  const line = (k: keyof Round, label: string, digits: number) =>
    `${label}: file (baseline) ${med(file, k).toFixed(digits)}, memory ${med(memory, k).toFixed(digits)}, ratio ${(med(memory, k) / Math.max(1e-9, med(file, k))).toFixed(2)}`;
  console.log(
    `[consumer-storage] ${CONSUMERS} consumers, ${CYCLES} publish/pull/ack cycles, nats-server per 1000 cycles, medians of ${ROUNDS}: ${line("server", "CPU s", 3)}; ${line("writeCalls", "write calls", 0)}; ${line("writeKiB", "KiB written", 0)}`,
  );
}
