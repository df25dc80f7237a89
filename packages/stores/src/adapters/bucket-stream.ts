import { STREAM_MAX_CONSUMERS } from "@mp4t/contracts";
import { JetStreamApiError, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";

/**
 * A KV or Object Store bucket is a stream (`KV_<name>`, `OBJ_<name>`), and creating the bucket
 * again leaves an existing stream as it was. Brings the stream to what we need:
 * - room for the consumers every read makes (STREAM_MAX_CONSUMERS: each Object Store get and KV
 *   key listing is a consumer that lingers 5 minutes; nats-server 2.15 caps a stream at 1000);
 * - `replicas` copies when given (the cluster copies the stream to its new peers while it keeps
 *   serving), so raising JETSTREAM_REPLICAS takes effect at the next start, as it does for the work
 *   streams. Unset: the bucket keeps what it has.
 * Resolves to when the stream was created (which tells one server's bucket from another's of the same name).
 */
export async function ensureBucketStream(nc: NatsConnection, stream: string, replicas: number | undefined): Promise<string> {
  const jsm = await jetstreamManager(nc);
  const { config, created } = await jsm.streams.info(stream);
  const want = { max_consumers: STREAM_MAX_CONSUMERS, num_replicas: replicas ?? config.num_replicas };
  if (config.max_consumers !== want.max_consumers || config.num_replicas !== want.num_replicas) {
    await jsm.streams.update(stream, { ...config, ...want });
  }
  return created;
}

/** nats-server's "stream name already in use with a different configuration". */
const STREAM_NAME_IN_USE = 10058;

/**
 * Runs a bucket's `create` (Kvm, Objm), again if it lost a race with another process opening the
 * same bucket: both find no stream and both add it, and once the first has brought the stream to
 * our settings (ensureBucketStream above), the other's add differs from it and nats-server
 * refuses it. The stream exists then, so the next try opens it (seen when `npm test` loaded the
 * machine: a store's start failed with that error).
 */
export async function createBucket<T>(create: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create();
    } catch (err) {
      if (attempt >= 3 || !(err instanceof JetStreamApiError) || err.code !== STREAM_NAME_IN_USE) throw err;
    }
  }
}
