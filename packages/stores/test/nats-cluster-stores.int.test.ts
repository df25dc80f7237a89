/**
 * The NATS stores on a real three-node cluster with JETSTREAM_REPLICAS=3: a job and a blob written
 * before the node leading the jobs bucket is killed are read, and the job updated, afterwards.
 */
import { newId } from "@mp4t/contracts";
import { sampleJob } from "@mp4t/stores/conformance";
import { pollUntil, startNatsCluster } from "@mp4t/testing";
import { jetstreamManager, type ClusterInfo } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { createStores, type StoresConfig } from "../src/index.ts";

const config: StoresConfig = { JOB_STORE: "nats", BLOB_STORE: "nats", JETSTREAM_REPLICAS: 3 };
const BUCKET_STREAMS = ["KV_mp4t-users", "KV_mp4t-jobs", "OBJ_mp4t-blobs"];
const current = (c: { cluster?: ClusterInfo }) => (c.cluster?.leader ? 1 : 0) + (c.cluster?.replicas ?? []).filter((r) => r.current).length;

describe("NATS KV and Object Store on a cluster", () => {
  it("keep jobs and blobs through the loss of the jobs bucket's leader", async () => {
    await using cluster = await startNatsCluster(3);
    const nc = await cluster.connect();
    const stores = await createStores(nc, config);
    let leader: string;
    const job = sampleJob(newId());
    const bytes = new TextEncoder().encode("still here");
    try {
      const jsm = await jetstreamManager(nc);
      for (const name of BUCKET_STREAMS) {
        const si = await pollUntil(
          () => jsm.streams.info(name),
          (i) => current(i) === 3,
          `3 current copies of ${name}`,
        );
        expect(si.config.num_replicas, name).toBe(3);
      }
      await stores.jobs.createJob(job);
      await stores.blobs.put(`jobs/${job.id}/upload`, bytes);
      leader = (await jsm.streams.info("KV_mp4t-jobs")).cluster!.leader!;
    } finally {
      await stores.close();
      await nc.close();
    }
    await cluster.nodes.find((n) => n.name === leader)!.kill();

    const nc2 = await cluster.connect(cluster.nodes.filter((n) => n.running));
    try {
      // Opening the stores checks the buckets, which answers once their groups have leaders again.
      const after = await pollUntil(
        () => createStores(nc2, config),
        () => true,
        "stores on the surviving nodes",
      );
      try {
        const ref = { userId: job.userId, jobId: job.id };
        expect(
          await pollUntil(
            () => after.jobs.getJob(ref),
            (j) => j !== null,
            "job after failover",
          ),
        ).toEqual(job);
        expect(await after.blobs.getBytes(`jobs/${job.id}/upload`)).toEqual(bytes);
        // A read can be served by any copy; a write needs the bucket's new leader, whose election
        // may still be running (a write then fails at once with "no responders", which the
        // services treat as retryable: a redelivery, or 503 at the gateway). So it is retried.
        const updated = await pollUntil(
          () => after.jobs.updateJob(ref, (j) => ({ ...j, status: "processing" })),
          (j) => j?.status === "processing",
          "an update on the new leader",
        );
        expect((await after.jobs.getJob(ref))?.status).toBe(updated?.status);
      } finally {
        await after.close();
      }
    } finally {
      await nc2.close();
    }
  });

  it("raise existing buckets to JETSTREAM_REPLICAS at the next start, keeping their data", async () => {
    await using cluster = await startNatsCluster(3);
    const nc = await cluster.connect();
    try {
      const jsm = await jetstreamManager(nc);
      const job = sampleJob(newId());
      const first = await createStores(nc, { ...config, JETSTREAM_REPLICAS: 1 });
      await first.jobs.createJob(job);
      await first.close();
      for (const name of BUCKET_STREAMS) expect((await jsm.streams.info(name)).config.num_replicas, name).toBe(1);

      const second = await createStores(nc, config);
      try {
        for (const name of BUCKET_STREAMS) {
          const si = await pollUntil(
            () => jsm.streams.info(name),
            (i) => current(i) === 3,
            `3 current copies of ${name}`,
          );
          expect(si.config.num_replicas, name).toBe(3);
        }
        expect(await second.jobs.getJob({ userId: job.userId, jobId: job.id })).toEqual(job);
      } finally {
        await second.close();
      }
    } finally {
      await nc.close();
    }
  });
});
