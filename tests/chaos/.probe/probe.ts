import { startNats, silentLogger } from "/work/main/packages/testing/src/index.ts";
import { createPublisher, ensureTopology, newId, createLogger } from "/work/main/packages/platform/src/index.ts";
import { createWorker as current } from "/work/main/packages/platform/src/worker.ts";
import { createWorker as head } from "./worker-head.ts";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "/work/main/packages/platform/src/nats.ts";

const which = process.argv[2] === "head" ? head : current;
const nats = await startNats();
const logger = createLogger("probe", { level: "warn" });
const nc = await connectNats({ servers: nats.url, name: "probe", logger });
const jsm = await jetstreamManager(nc);
await ensureTopology(jsm);
const js = jetstream(nc);
let seen = 0;
const w = which({ js, jsm, stage: "diarize", service: "diarizer", logger, handler: async () => void seen++, concurrency: 2, ackWaitMs: 5000, maxDeliver: 5, deadlineMs: 10000 } as any);
await w.start();
const pub = createPublisher(js, { service: "t" });
const until = async (n: number, ms: number) => { const end = Date.now() + ms; while (seen < n && Date.now() < end) await new Promise(r => setTimeout(r, 100)); return seen >= n; };
await pub.command("diarize", "interactive", { v: 1, jobId: newId(), userId: "u" }, newId());
console.log("before restart processed:", await until(1, 10000));
await nats.stop(); await nats.start();
const t = Date.now();
for (;;) { try { await pub.command("diarize", "interactive", { v: 1, jobId: newId(), userId: "u" }, newId()); break; } catch (e) { await new Promise(r => setTimeout(r, 200)); } }
console.log("published after", Date.now() - t, "ms");
console.log("after restart processed:", await until(2, 30000), "in", Date.now() - t, "ms", JSON.stringify(w.stats()));
await w.stop(1000); await nc.close(); await nats[Symbol.asyncDispose](); process.exit(0);
