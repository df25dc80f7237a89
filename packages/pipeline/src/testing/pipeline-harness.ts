import { Streams, Subjects, type Command, type JobEvent, type JobClass, type Stage, STAGE_LANES } from "@mp4t/contracts";
import { createLogger } from "@mp4t/runtime";
import { createJobEvents, createPublisher, ensureTopology } from "@mp4t/messaging/internal";
import { createNatsKvJobStore, createNatsObjectBlobStore } from "@mp4t/stores";
import { createPipelineDeps, type PipelineDeps } from "../pipeline-deps.ts";
import type { NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";

let n = 0;

/** Test support (not for services): real pipeline deps on a running nats-server, with buckets of their own; `close` when done. */
export async function pipelineDeps(
  nats: { connect(): Promise<NatsConnection> },
  service = "test",
): Promise<PipelineDeps & { nc: NatsConnection; close(): Promise<void> }> {
  const nc = await nats.connect();
  await ensureTopology(await jetstreamManager(nc));
  const id = `${process.pid}-${++n}`;
  const jobs = await createNatsKvJobStore(nc, { prefix: `t${id}` });
  const blobs = await createNatsObjectBlobStore(nc, { bucket: `blobs-${id}` });
  const logger = createLogger(service, { level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const { ports: _ports, ...deps } = createPipelineDeps({ service, nc, stores: { jobs, blobs }, logger });
  return { ...deps, nc, close: () => nc.close() };
}

/**
 * Every command of one stage and class now in its lane stream, with its Nats-Msg-Id. Lane streams
 * are work queues, which allow no ordered consumers: a throwaway pull consumer reads without
 * acking, so the messages stay for the next look.
 */
export async function readCommands<S extends Stage>(
  deps: { nc: NatsConnection },
  stage: S,
  cls: JobClass,
): Promise<{ msg: Command<S>; msgId: string | undefined }[]> {
  const stream = Streams.lane(STAGE_LANES[stage]);
  const jsm = await jetstreamManager(deps.nc);
  const { name } = await jsm.consumers.add(stream, {
    ack_policy: AckPolicy.Explicit,
    filter_subject: Subjects.stageFilter(stage, cls),
    inactive_threshold: nanos(60_000),
  });
  try {
    const consumer = await jetstream(deps.nc).consumers.get(stream, name);
    const pending = (await consumer.info()).num_pending;
    const out: { msg: Command<S>; msgId: string | undefined }[] = [];
    if (pending === 0) return out;
    for await (const m of await consumer.fetch({ max_messages: pending })) {
      out.push({ msg: m.json<Command<S>>(), msgId: m.headers?.get("Nats-Msg-Id") });
      if (out.length === pending) break;
    }
    return out;
  } finally {
    await jsm.consumers.delete(stream, name);
  }
}

/** Takes (acks) every message waiting on a consumer, parsed with its contract: a worker's view. */
export async function takeCommands<T>(nc: NatsConnection, stream: string, consumer: string, schema: { parse(v: unknown): T }): Promise<T[]> {
  const c = await jetstream(nc).consumers.get(stream, consumer);
  const info = await c.info();
  // A consumer's num_pending is raised by a server goroutine a moment after the publish was acked
  // (nats-server's signalConsumersLoop), so right after a publish it can still read 0. The stream's
  // own count of the consumer's subject is exact once the publish is acked: a work queue holds just
  // the messages not yet acked, those delivered and unacked among them.
  const filter = info.config.filter_subject;
  const stored = filter
    ? Object.values((await (await jetstreamManager(nc)).streams.info(stream, { subjects_filter: filter })).state.subjects ?? {}).reduce((a, b) => a + b, 0)
    : 0;
  const pending = Math.max(info.num_pending, stored - info.num_ack_pending);
  const out: T[] = [];
  if (pending === 0) return out;
  for await (const m of await c.fetch({ max_messages: pending, expires: 5_000 })) {
    out.push(schema.parse(m.json()));
    m.ack();
    if (out.length === pending) break;
  }
  return out;
}

/** A job's events as stored on MP4T_EVENTS, oldest first: the API's own replay, refusing any that breaks the contract. */
export async function readJobEvents(nc: NatsConnection, jobId: string): Promise<JobEvent[]> {
  const js = jetstream(nc);
  const events = createJobEvents({ nc, js, jsm: () => jetstreamManager(nc), publisher: createPublisher(js, { service: "test" }) });
  const stored = await events.replay(jobId, 0, {
    onInvalid: (seq) => {
      throw new Error(`event #${seq} of job ${jobId} breaks the JobEvent contract`);
    },
  });
  return stored.map((s) => s.event);
}
