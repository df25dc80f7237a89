import { STREAM_MAX_CONSUMERS } from "@mp4t/messaging";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";

/**
 * A KV or Object Store bucket is a stream (`KV_<name>`, `OBJ_<name>`), and creating the bucket
 * again leaves an existing stream as it was. Brings the stream to what we need:
 * - room for the consumers every read makes (STREAM_MAX_CONSUMERS: each Object Store get and KV
 *   key listing is a consumer that lingers 5 minutes; nats-server 2.15 caps a stream at 1000);
 * - `replicas` copies when given (the cluster copies the stream to its new peers while it keeps
 *   serving), so raising JETSTREAM_REPLICAS takes effect at the next start, as it does for the work
 *   streams. Unset: the bucket keeps what it has.
 */
export async function ensureBucketStream(nc: NatsConnection, stream: string, replicas: number | undefined): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const { config } = await jsm.streams.info(stream);
  const want = { max_consumers: STREAM_MAX_CONSUMERS, num_replicas: replicas ?? config.num_replicas };
  if (config.max_consumers !== want.max_consumers || config.num_replicas !== want.num_replicas) {
    await jsm.streams.update(stream, { ...config, ...want });
  }
}
