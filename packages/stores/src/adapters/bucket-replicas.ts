import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";

/**
 * A KV or Object Store bucket is a stream (`KV_<name>`, `OBJ_<name>`); creating the bucket again
 * leaves an existing stream's replica count as it was. Brings it to `replicas` (the cluster copies
 * the stream to its new peers while it keeps serving), so raising JETSTREAM_REPLICAS takes effect
 * at the next start, as it does for the work streams. Unset: the bucket keeps what it has.
 */
export async function ensureBucketReplicas(nc: NatsConnection, stream: string, replicas: number | undefined): Promise<void> {
  if (replicas === undefined) return;
  const jsm = await jetstreamManager(nc);
  const { config } = await jsm.streams.info(stream);
  if (config.num_replicas !== replicas) await jsm.streams.update(stream, { ...config, num_replicas: replicas });
}
