/**
 * What the system sends through NATS, counted by a core subscriber on the server (it sees a copy
 * of every publish to the subjects it names; replies to inboxes are not counted). Classes:
 * work commands, job events, KV writes, blob chunk and metadata writes, JetStream API requests
 * (pulls, direct gets, consumer creations, infos) and acks.
 */
import type { NatsConnection, Subscription } from "@nats-io/transport-node";

export type Tally = { n: number; bytes: number };
const tally = (): Tally => ({ n: 0, bytes: 0 });

export type Traffic = {
  work: Tally;
  events: Tally;
  kvWrites: Tally;
  kvReads: number;
  blobChunks: Tally;
  blobMeta: number;
  /** Sizes of every object written, and of every object read (one entry per read). */
  objectsWritten: number[];
  objectsRead: number[];
  blobMetaReads: number;
  acks: number;
  pulls: number;
  consumersCreated: number;
  consumerInfos: number;
  streamInfos: number;
  otherApi: Map<string, number>;
};

/**
 * `onEvent` hears each job event the count sees (the bench's own tracking of ended jobs rides on
 * the counter's subscription rather than a second one, so the observer costs the system's server
 * what it costs the floor's).
 */
export function countTraffic(nc: NatsConnection, onEvent?: (data: Uint8Array) => void) {
  const t: Traffic = {
    work: tally(),
    events: tally(),
    kvWrites: tally(),
    kvReads: 0,
    blobChunks: tally(),
    blobMeta: 0,
    objectsWritten: [],
    objectsRead: [],
    blobMetaReads: 0,
    acks: 0,
    pulls: 0,
    consumersCreated: 0,
    consumerInfos: 0,
    streamInfos: 0,
    otherApi: new Map(),
  };
  const sizeByNuid = new Map<string, number>();
  const add = (x: Tally, len: number) => ((x.n += 1), (x.bytes += len));
  const subs: Subscription[] = [];
  const on = (subject: string, f: (subject: string, data: Uint8Array) => void) =>
    subs.push(nc.subscribe(subject, { callback: (err, m) => void (!err && f(m.subject, m.data)) }));

  on("mp4t.v1.work.>", (_s, d) => add(t.work, d.length));
  on("mp4t.v1.events.>", (_s, d) => (add(t.events, d.length), onEvent?.(d)));
  on("$KV.>", (_s, d) => add(t.kvWrites, d.length));
  on("$O.>", (s, d) => {
    if (s.split(".")[2] === "C") return add(t.blobChunks, d.length);
    t.blobMeta++;
    try {
      const meta = JSON.parse(new TextDecoder().decode(d)) as { nuid?: string; size?: number; deleted?: boolean };
      if (meta.nuid && !meta.deleted) {
        sizeByNuid.set(meta.nuid, meta.size ?? 0);
        t.objectsWritten.push(meta.size ?? 0);
      }
    } catch {
      /* a purge marker */
    }
  });
  on("$JS.ACK.>", () => t.acks++);
  on("$JS.API.>", (s, d) => {
    const parts = s.split(".");
    const kind = parts.slice(2, 4).join(".");
    if (kind === "CONSUMER.MSG") return void t.pulls++;
    if (kind === "CONSUMER.CREATE" || kind === "CONSUMER.DURABLE") return void t.consumersCreated++;
    if (kind === "CONSUMER.INFO" || kind === "CONSUMER.LIST") return void t.consumerInfos++;
    if (kind === "STREAM.INFO") return void t.streamInfos++;
    if (kind === "DIRECT.GET") {
      const stream = parts[4] ?? "";
      if (stream.startsWith("KV_")) return void t.kvReads++;
      if (stream.startsWith("OBJ_")) {
        if (parts.length > 5) return void t.blobMetaReads++; // last-by-subject: an object's info
        try {
          const req = JSON.parse(new TextDecoder().decode(d)) as { next_by_subj?: string; seq?: number };
          const nuid = req.next_by_subj?.split(".").pop();
          if (nuid && req.seq === 1 && sizeByNuid.has(nuid)) t.objectsRead.push(sizeByNuid.get(nuid)!);
        } catch {
          /* not JSON */
        }
        return;
      }
    }
    t.otherApi.set(kind, (t.otherApi.get(kind) ?? 0) + 1);
  });

  return {
    traffic: t,
    /** Zeroes every count (after warm-up). */
    reset() {
      const fresh = countTrafficState();
      Object.assign(t, fresh);
    },
    stop: () => subs.forEach((s) => s.unsubscribe()),
  };
}

function countTrafficState(): Traffic {
  return {
    work: tally(),
    events: tally(),
    kvWrites: tally(),
    kvReads: 0,
    blobChunks: tally(),
    blobMeta: 0,
    objectsWritten: [],
    objectsRead: [],
    blobMetaReads: 0,
    acks: 0,
    pulls: 0,
    consumersCreated: 0,
    consumerInfos: 0,
    streamInfos: 0,
    otherApi: new Map(),
  };
}
