import type { DeliveryInfo, JsMsg } from "@nats-io/jetstream";
import type { Msg, MsgHdrs, NatsConnection } from "@nats-io/transport-node";

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
export async function pullNow(nc: NatsConnection, stream: string, durable: string, waitMs = 150): Promise<JsMsg | null> {
  const body = JSON.stringify({ batch: 1, expires: waitMs * 1_000_000 });
  const reply = await nc.request(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`, body, { timeout: waitMs + 5_000, noMux: true });
  const code = reply.headers?.code ?? 0;
  if (code === 404 || code === 408) return null; // no messages / request expired
  if (code >= 400 || !reply.reply?.startsWith("$JS.ACK.")) {
    throw new Error(`pull from ${stream}/${durable} refused: ${code} ${reply.headers?.description ?? ""}`.trim());
  }
  return new PulledMsg(nc, reply) as unknown as JsMsg;
}

const enc = new TextEncoder();

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
