/**
 * NATS least privilege: one NATS user per service plus `admin`, each allowed only the subjects its
 * code uses. Derived from contracts (lanes, stages, fair durables), the stores' buckets and the
 * JetStream API subjects nats.js v3 sends (see docs/architecture.md "Security: NATS").
 *
 * Who creates streams: the gateway (and `npm start` as admin, before any service) runs
 * ensureTopology and creates the KV / Object Store buckets. Workers may only read stream info and
 * make, read and pull their own stage's durables; a worker that starts first waits for the streams.
 */
import {
  FAIR_BUCKETS,
  JOB_CLASSES,
  LANES,
  PIPELINE,
  PIPELINE_STAGES,
  SERVICE_NAMES,
  STAGE_LANES,
  STAGE_SERVICES,
  STAGES,
  Streams,
  discoveryName,
  durableName,
  fairDurableName,
  type ServiceName,
  type Stage,
} from "@mp4t/contracts";

export const NATS_USERS = [...SERVICE_NAMES, "admin"] as const;
export type NatsUser = (typeof NATS_USERS)[number];

/** The buckets of the NATS stores (packages/stores): bucket name -> its stream. */
export const NATS_BUCKETS = {
  users: { bucket: "mp4t-users", stream: "KV_mp4t-users", kind: "kv" },
  jobs: { bucket: "mp4t-jobs", stream: "KV_mp4t-jobs", kind: "kv" },
  blobs: { bucket: "mp4t-blobs", stream: "OBJ_mp4t-blobs", kind: "obj" },
  /** Webhook endpoints (gateway, janitor) and their delivery log (packages/webhooks). */
  webhooks: { bucket: "mp4t-webhooks", stream: "KV_mp4t-webhooks", kind: "kv" },
  webhookDeliveries: { bucket: "mp4t-webhook-deliveries", stream: "KV_mp4t-webhook-deliveries", kind: "kv" },
} as const;
type BucketKey = keyof typeof NATS_BUCKETS;

export type NatsPermissions = {
  publish: { allow: string[] };
  subscribe: { allow: string[] };
  /** May answer requests it received (service discovery pings and stats). */
  allow_responses: boolean;
};

/** The connection's inbox prefix: each user subscribes to its own inboxes only. */
export const inboxPrefix = (user: string) => `_INBOX_${user}`;

const API = "$JS.API";
const ROOT = "mp4t.v1";

/** What every JetStream client needs: the account check `jetstreamManager()` makes. */
const jsBase = [`${API}.INFO`];

/** Data-plane access to one KV or Object Store bucket; no create, update or delete of its stream. */
function bucketAccess(key: BucketKey): string[] {
  const { bucket, stream, kind } = NATS_BUCKETS[key];
  return [
    kind === "kv" ? `$KV.${bucket}.>` : `$O.${bucket}.>`,
    `${API}.STREAM.INFO.${stream}`,
    `${API}.STREAM.MSG.GET.${stream}`,
    `${API}.DIRECT.GET.${stream}`, // batched direct gets (body names the subject)
    `${API}.DIRECT.GET.${stream}.>`, // last-by-subject direct gets
    // Key listings, watches and Object Store listings are ephemeral ordered consumers.
    `${API}.CONSUMER.CREATE.${stream}.>`,
    `${API}.CONSUMER.INFO.${stream}.>`,
    `${API}.CONSUMER.DELETE.${stream}.>`,
    `$JS.FC.${stream}.>`,
    ...(kind === "obj" ? [`${API}.STREAM.PURGE.${stream}`] : []), // replacing or deleting an object purges its chunks
  ];
}

/** Make, read, pull from and ack one durable consumer of a stream. */
function durableAccess(stream: string, d: string): string[] {
  return [
    // nats.js sends filter_subjects (an array) to the durable API, a lone filter to the newer one.
    `${API}.CONSUMER.DURABLE.CREATE.${stream}.${d}`,
    `${API}.CONSUMER.CREATE.${stream}.${d}`,
    `${API}.CONSUMER.CREATE.${stream}.${d}.>`,
    `${API}.CONSUMER.INFO.${stream}.${d}`,
    `${API}.CONSUMER.MSG.NEXT.${stream}.${d}`,
    `$JS.ACK.${stream}.${d}.>`,
  ];
}

/** The durables a worker's replicas share for one stage, and the stage-wide one they delete at start. */
function stageConsumerAccess(stage: Stage): string[] {
  const stream = Streams.lane(STAGE_LANES[stage]);
  const durables = JOB_CLASSES.flatMap((cls) => Array.from({ length: FAIR_BUCKETS }, (_, b) => fairDurableName(stage, cls, b)));
  return [
    `${API}.STREAM.INFO.${stream}`,
    `${API}.STREAM.MSG.GET.${stream}`, // oldest waiting message (metrics)
    `${API}.CONSUMER.LIST.${stream}`, // backlog of the stage's consumers
    `${API}.CONSUMER.DELETE.${stream}.${durableName(stage)}`,
    ...durables.flatMap((d) => durableAccess(stream, d)),
  ];
}

/**
 * The janitor's durable on the events stream: it turns job ends into webhook deliveries. It
 * creates the durable itself (deliver new events only) and may read and ack nothing else there.
 */
export const WEBHOOK_EVENTS_DURABLE = "janitor-webhooks";
const webhookEventsAccess = () => durableAccess(Streams.events, WEBHOOK_EVENTS_DURABLE);

/** Publishing work of a stage (any class, any fairness bucket). */
const stageWork = (stage: Stage) => `${ROOT}.work.${STAGE_LANES[stage]}.${stage}.>`;

/** NATS micro discovery: answers pings, info and stats for its own service name, and its status endpoint. */
function discovery(service: ServiceName): string[] {
  const name = discoveryName(service);
  return ["$SRV.PING", "$SRV.INFO", "$SRV.STATS", `$SRV.*.${name}`, `$SRV.*.${name}.*`, `${ROOT}.svc.${service}.>`];
}

type Worker = Exclude<ServiceName, "gateway">;
type StageDeclaration = { readonly [S in Stage]: { next: Stage | null; step: unknown } };

/**
 * Work a worker publishes beyond what the pipeline declaration implies: the transcriber's own
 * stage (a windowed job's finished chunk i queues chunk i + window); the janitor's reaper resumes
 * every stage a job goes through (PIPELINE_STAGES, the ones it knows how to resume).
 */
const PUBLISHES_BESIDES: Partial<Record<Worker, readonly Stage[]>> = {
  transcriber: ["transcribe"],
  janitor: PIPELINE_STAGES,
};

/**
 * The stages a worker publishes work for, derived from the pipeline declaration
 * (contracts/src/pipeline.ts), so a new stage cannot be left without the right to reach it: the
 * `next` stage of each stage it consumes; cleanup when one of them is a step a job shows (a failure
 * there ends the job with a cleanup); the stages it consumes that are housekeeping (a step of
 * null: the janitor publishes its own cleanups and webhook deliveries, first attempts and
 * retries); and PUBLISHES_BESIDES. In the declaration's stage order.
 */
export function publishedStages(
  service: Worker,
  pipeline: StageDeclaration = PIPELINE,
  stageServices: Readonly<Record<Stage, ServiceName>> = STAGE_SERVICES,
  besides: Partial<Record<Worker, readonly Stage[]>> = PUBLISHES_BESIDES,
): Stage[] {
  const stages = Object.keys(pipeline) as Stage[];
  const own = stages.filter((s) => stageServices[s] === service);
  const wanted = new Set<Stage>([
    ...own.flatMap((s) => (pipeline[s].next ? [pipeline[s].next] : [])),
    ...(own.some((s) => pipeline[s].step !== null) ? (["cleanup"] as const) : []),
    ...own.filter((s) => pipeline[s].step === null),
    ...(besides[service] ?? []),
  ]);
  return stages.filter((s) => wanted.has(s));
}

function workerPermissions(service: Worker): NatsPermissions {
  const stages = STAGES.filter((s) => STAGE_SERVICES[s] === service);
  // The janitor's reaper reads how much work waits on every stage it may resume.
  const infoOnly = [
    ...(service === "janitor" ? LANES.map((l) => `${API}.STREAM.INFO.${Streams.lane(l)}`) : []),
    `${API}.STREAM.INFO.${Streams.events}`,
    `${API}.STREAM.INFO.${Streams.deadLetters}`,
  ];
  return {
    publish: {
      allow: unique([
        ...jsBase,
        ...stages.flatMap(stageConsumerAccess),
        ...infoOnly,
        ...publishedStages(service).map(stageWork),
        `${ROOT}.events.>`,
        ...stages.map((s) => `${ROOT}.dlq.${s}`),
        ...bucketAccess("jobs"),
        ...bucketAccess("blobs"),
        ...(service === "janitor" ? [...webhookEventsAccess(), ...bucketAccess("webhooks"), ...bucketAccess("webhookDeliveries")] : []),
      ]),
    },
    subscribe: {
      allow: [
        `${inboxPrefix(service)}.>`,
        `${ROOT}.events.>`,
        // Event-driven dispatch: core interest in its own stages' work publishes (nothing consumed).
        ...stages.map(stageWork),
        ...discovery(service),
      ],
    },
    allow_responses: true,
  };
}

/**
 * The gateway is the control plane: it creates and updates every stream and bucket, publishes
 * ingest and cleanup work, re-drives dead letters to any stage, pauses lanes, reads events, and
 * is the only service that touches the users bucket (or any bucket but jobs and blobs).
 */
function gatewayPermissions(): NatsPermissions {
  return {
    publish: {
      allow: [
        `${API}.>`,
        `$JS.ACK.${Streams.events}.>`,
        "$JS.FC.>",
        `${ROOT}.work.>`,
        `${ROOT}.events.>`,
        `${ROOT}.dlq.>`,
        // Every bucket: the gateway already holds the whole JetStream API, and a new bucket of its
        // own (e.g. sessions) then needs no new line here.
        "$KV.>",
        "$O.>",
        "$SRV.>",
        `${ROOT}.svc.>`,
      ],
    },
    subscribe: { allow: [`${inboxPrefix("gateway")}.>`, `${ROOT}.events.>`, ...discovery("gateway")] },
    allow_responses: true,
  };
}

/** Each user's permissions; `admin` has none listed: it may do anything (operators, tests). */
export function natsPermissions(user: NatsUser): NatsPermissions | null {
  if (user === "admin") return null;
  if (user === "gateway") return gatewayPermissions();
  return workerPermissions(user);
}

/** The streams a service uses but must not create: a worker waits for them at start. */
export function streamsNeeded(service: ServiceName, stores: { kv: boolean; obj: boolean }): string[] {
  const lanes = [...new Set(STAGES.filter((s) => STAGE_SERVICES[s] === service).map((s) => Streams.lane(STAGE_LANES[s])))];
  return [
    ...lanes,
    Streams.events,
    Streams.deadLetters,
    ...(stores.kv ? [NATS_BUCKETS.jobs.stream] : []),
    ...(stores.kv && service === "janitor" ? [NATS_BUCKETS.webhooks.stream, NATS_BUCKETS.webhookDeliveries.stream] : []),
    ...(stores.obj ? [NATS_BUCKETS.blobs.stream] : []),
  ];
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
