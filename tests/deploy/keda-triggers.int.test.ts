/**
 * The KEDA triggers against a real nats-server: the stream, consumer and account every rendered
 * ScaledObject trigger names exist on the monitoring endpoint (`/jsz`, what KEDA's nats-jetstream
 * scaler reads), and the sum its formula takes is the stage's backlog. Work is queued with nobody
 * pulling, so each consumer's num_pending is exactly what was published for it.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STAGE_SERVICES, Subjects, type Stage } from "@mp4t/contracts";
import { natsServerBin } from "@mp4t/runtime";
import { ensureFairConsumers, ensureTopology } from "@mp4t/messaging/internal";
import { freePort, pollUntil } from "@mp4t/testing";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { describe, expect, it, vi } from "vitest";
import { KUBE_DIR, render } from "./kubernetes.ts";

type Jsz = { account_details?: { name: string; stream_detail?: { name: string; consumer_detail?: { name: string; num_pending: number }[] }[] }[] };

describe("KEDA's nats-jetstream triggers on a real nats-server", () => {
  it("name consumers that exist, and their pending messages add up to each stage's backlog", async () => {
    const objects = Object.values(render([join(KUBE_DIR, "overlays", "production")]))[0]!;
    const scaled = objects.filter((o) => o.kind === "ScaledObject");
    const [port, monitor] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), "mp4t-keda-"));
    const server = spawn(natsServerBin(), ["-js", "-a", "127.0.0.1", "-p", String(port), "-m", String(monitor), "-sd", dir], { stdio: "ignore" });
    const nc = await pollUntil(
      () => connect({ servers: `127.0.0.1:${port}`, reconnect: false }),
      () => true,
      "nats-server",
    );
    try {
      const jsm = await jetstreamManager(nc);
      await ensureTopology(jsm);
      const js = jetstream(nc);
      const published: Record<string, number> = {};
      const stages = Object.keys(STAGE_SERVICES) as Stage[];
      for (const [i, stage] of stages.entries()) {
        await ensureFairConsumers(jsm, stage, { ackWaitMs: 30_000 });
        // Different users land in different buckets; both classes; a few messages per stage.
        for (let n = 0; n <= i + 2; n++) await js.publish(Subjects.work(stage, n % 2 ? "batch" : "interactive", `user-${n}`), new Uint8Array([n]));
        published[STAGE_SERVICES[stage]] = (published[STAGE_SERVICES[stage]] ?? 0) + i + 3; // the janitor serves two stages
      }
      // The server counts a consumer's pending messages a moment after it acks the publish (a goroutine
      // signals the consumers), so the sums are read until they settle; a missing consumer fails at the end.
      await vi.waitFor(
        async () => {
          for (const so of scaled) {
            const { account } = so.spec.triggers[0].metadata;
            const jsz = (await (await fetch(`http://127.0.0.1:${monitor}/jsz?acc=${encodeURIComponent(account)}&consumers=true&config=true`)).json()) as Jsz;
            const streams = jsz.account_details?.find((a) => a.name === account)?.stream_detail ?? [];
            let backlog = 0;
            for (const t of so.spec.triggers) {
              const consumer = streams.find((s) => s.name === t.metadata.stream)?.consumer_detail?.find((c) => c.name === t.metadata.consumer);
              expect(consumer, `${so.metadata.name}: ${t.metadata.stream}/${t.metadata.consumer} in account ${account}`).toBeDefined();
              backlog += consumer!.num_pending;
            }
            expect(backlog, so.metadata.name).toBe(published[so.spec.scaleTargetRef.name]);
          }
        },
        { timeout: 10_000, interval: 100 },
      );
    } finally {
      await nc.close();
      server.kill("SIGTERM");
      await once(server, "exit");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
