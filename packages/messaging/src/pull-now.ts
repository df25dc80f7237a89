import type { DeliveryInfo, JsMsg } from "@nats-io/jetstream";
import { createInbox, type Msg, type MsgHdrs, type NatsConnection } from "@nats-io/transport-node";

/**
 * One message from a durable pull consumer, or null when none arrives within `waitMs`.
 *
 * nats.js v3's `consumer.next()` always waits at least 1 s (`expires` >= 1000 ms). Replicas that
 * heard the same publish race for it; every loser then idled a whole second before it could look
 * elsewhere, which cost the scaling bench a quarter of linear at 4 replicas. The raw pull request
 * (`$JS.API.CONSUMER.MSG.NEXT`, `{batch: 1, expires}`) lets the wait be short: long enough for
 * the stream to store a publish that the worker heard on its core subscription a moment earlier,
 * short enough that losing a race costs little. The server answers with the message or a 408
 * (expired) / 404 status; the acks below are the protocol's (`+ACK`, `-NAK {"delay"}`, `+WPI`,
 * `+TERM`), the same bytes nats.js sends.
 */
export async function pullNow(nc: NatsConnection, stream: string, durable: string, waitMs = 150, answerWithinMs = waitMs + 5_000): Promise<JsMsg | null> {
  const reply = await pullHubOf(nc).pull(stream, durable, waitMs, answerWithinMs);
  const code = reply.headers?.code ?? 0;
  if (code === 404 || code === 408) return null; // no messages / request expired
  if (code >= 400 || !reply.reply?.startsWith("$JS.ACK.")) {
    throw new Error(`pull from ${stream}/${durable} refused: ${code} ${reply.headers?.description ?? ""}`.trim());
  }
  return new PulledMsg(nc, reply) as unknown as JsMsg;
}

const enc = new TextEncoder();

type Waiter = { token: string; consumer: string; done(m: Msg | Error): void };

/**
 * The pulls of one connection share one inbox subscription (`<inbox>.*`, each pull its own last
 * token), made with its first pull and kept for the connection's life. A request of its own
 * (nats.js `noMux`: a JetStream delivery carries the stream's subject, not the inbox's, so the
 * shared request inbox cannot route it) cost a SUB, an UNSUB after the answer, and a change of
 * the server's subscription list, on every pull.
 *
 * Matching answers to pulls: a status (404, 408, an error) comes on the pull's own subject; a
 * message comes with its ack subject, which names the consumer, and the server serves one
 * consumer's waiting pulls in the order they came, so it goes to that consumer's oldest open
 * pull. A message no open pull is waiting for (its pull given up after the timeout) is nak'd
 * at once: redelivered, never lost.
 */
function pullHubOf(nc: NatsConnection) {
  let hub = pullHubs.get(nc);
  if (!hub) pullHubs.set(nc, (hub = createPullHub(nc)));
  return hub;
}
const pullHubs = new WeakMap<NatsConnection, ReturnType<typeof createPullHub>>();

function createPullHub(nc: NatsConnection) {
  const inbox = createInbox((nc as unknown as { options?: { inboxPrefix?: string } }).options?.inboxPrefix);
  const byToken = new Map<string, Waiter>();
  /** Each consumer's open pulls, oldest first (`<stream>.<durable>`). */
  const byConsumer = new Map<string, Waiter[]>();
  let next = 0;
  const settle = (w: Waiter, m: Msg | Error) => {
    byToken.delete(w.token);
    const queue = byConsumer.get(w.consumer);
    const at = queue?.indexOf(w) ?? -1;
    if (at >= 0) queue!.splice(at, 1);
    if (queue?.length === 0) byConsumer.delete(w.consumer);
    w.done(m);
  };
  const hub = { pull: open };
  nc.subscribe(`${inbox}.*`, {
    callback: (err, m) => {
      if (err) {
        // The subscription is gone (a permission refused, say): the next pull makes another.
        if (pullHubs.get(nc) === hub) pullHubs.delete(nc);
        for (const w of [...byToken.values()]) settle(w, err);
        return;
      }
      if (m.subject.startsWith(`${inbox}.`)) {
        const w = byToken.get(m.subject.slice(inbox.length + 1));
        if (w) settle(w, m);
        return;
      }
      let info: DeliveryInfo;
      try {
        info = parseAckSubject(m.reply ?? "");
      } catch {
        return; // not a delivery: nothing of ours
      }
      const w = byConsumer.get(`${info.stream}.${info.consumer}`)?.[0];
      if (w) settle(w, m);
      else nc.publish(m.reply!, enc.encode("-NAK"));
    },
  });
  // A closed connection answers nothing more: its open pulls fail now, not at their timeouts (a
  // shutdown does not wait seconds for them).
  void nc.closed().then(() => {
    if (pullHubs.get(nc) === hub) pullHubs.delete(nc);
    for (const w of [...byToken.values()]) settle(w, new Error("pull: the connection is closed"));
  });
  return hub;

  function open(stream: string, durable: string, waitMs: number, answerWithinMs: number): Promise<Msg> {
    return new Promise<Msg>((resolve, reject) => {
      const token = String(++next);
      const consumer = `${stream}.${durable}`;
      const timer = setTimeout(() => settle(w, new Error(`pull from ${stream}/${durable}: no answer within ${answerWithinMs} ms`)), answerWithinMs);
      const w: Waiter = {
        token,
        consumer,
        done: (m) => {
          clearTimeout(timer);
          if (m instanceof Error) reject(m);
          else resolve(m);
        },
      };
      byToken.set(token, w);
      let queue = byConsumer.get(consumer);
      if (!queue) byConsumer.set(consumer, (queue = []));
      queue.push(w);
      try {
        nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`, JSON.stringify({ batch: 1, expires: waitMs * 1_000_000 }), {
          reply: `${inbox}.${token}`,
        });
      } catch (err) {
        settle(w, err instanceof Error ? err : new Error(String(err)));
      }
    });
  }
}

/** `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>` (old) or with domain and account hash (new). */
export function parseAckSubject(subject: string): DeliveryInfo {
  const t = subject.split(".");
  if (t.length === 9) t.splice(2, 0, "_", "");
  if (t.length < 11 || t[0] !== "$JS" || t[1] !== "ACK") throw new Error(`not a JetStream delivery: ${subject}`);
  const deliveryCount = Number(t[6]);
  return {
    domain: t[2] === "_" ? "" : t[2]!,
    account_hash: t[3],
    stream: t[4]!,
    consumer: t[5]!,
    deliveryCount,
    redelivered: deliveryCount > 1,
    streamSequence: Number(t[7]),
    deliverySequence: Number(t[8]),
    timestampNanos: Number(t[9]),
    pending: Number(t[10]),
  } as DeliveryInfo;
}

/** The part of `JsMsg` the runner, dead letters and telemetry use, over a raw delivery. */
class PulledMsg {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: MsgHdrs | undefined;
  readonly reply: string;
  readonly info: DeliveryInfo;
  readonly sid: number;
  private acked = false;
  private readonly nc: NatsConnection;

  constructor(nc: NatsConnection, m: Msg) {
    this.nc = nc;
    this.subject = m.subject;
    this.data = m.data;
    this.headers = m.headers;
    this.reply = m.reply!;
    this.sid = m.sid;
    this.info = parseAckSubject(m.reply!);
  }
  get seq() {
    return this.info.streamSequence;
  }
  get redelivered() {
    return this.info.redelivered;
  }
  get time() {
    return new Date(Math.floor(this.info.timestampNanos / 1e6));
  }
  get timestamp() {
    return this.time.toISOString();
  }
  get timestampNanos() {
    return this.info.timestampNanos;
  }
  string() {
    return new TextDecoder().decode(this.data);
  }
  json<T>(): T {
    return JSON.parse(this.string()) as T;
  }

  private send(payload: string, final = true) {
    if (this.acked) return;
    if (final) this.acked = true;
    this.nc.publish(this.reply, enc.encode(payload));
  }
  ack() {
    this.send("+ACK");
  }
  nak(millis?: number) {
    this.send(millis && millis > 0 ? `-NAK ${JSON.stringify({ delay: millis * 1_000_000 })}` : "-NAK");
  }
  working() {
    this.send("+WPI", false);
  }
  term(reason?: string) {
    this.send(reason ? `+TERM ${reason}` : "+TERM");
  }
  async ackAck(): Promise<boolean> {
    if (this.acked) return false;
    this.acked = true;
    await this.nc.request(this.reply, enc.encode("+ACK"), { timeout: 5_000 });
    return true;
  }
}
