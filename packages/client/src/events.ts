import { ApiError, apiErrorOf, unreachable } from "./errors.ts";
import type { JobEvent } from "./types.ts";

export type FollowInput = {
  baseUrl: string;
  token: string;
  jobId: string;
  signal?: AbortSignal;
  /** Reconnections (with Last-Event-ID) after the stream drops before the job ends. */
  maxReconnects?: number;
  fetch?: typeof fetch;
};

const TERMINAL = new Set(["completed", "failed", "canceled"]);

/** Splits a text/event-stream body into events: `{ id, event, data }` per blank-line-separated block. */
async function* serverSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ id?: string; event?: string; data: string }> {
  const decoder = new TextDecoderStream();
  let buffer = "";
  for await (const text of body.pipeThrough(decoder)) {
    buffer += text;
    let end: number;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
      const ev: { id?: string; event?: string; data: string } = { data: "" };
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(":")) continue; // a comment: keep-alive
        const [field, ...rest] = line.split(":");
        const value = rest.join(":").replace(/^ /, "");
        if (field === "data") ev.data += (ev.data ? "\n" : "") + value;
        else if (field === "id") ev.id = value;
        else if (field === "event") ev.event = value;
      }
      if (ev.data) yield ev;
    }
  }
}

type StreamInput = Omit<FollowInput, "jobId">;

/**
 * Reads one event stream, and reconnects with Last-Event-ID (the last id received) when it drops,
 * at most `maxReconnects` times; yields each event's data, parsed, with its type; stops after an
 * event `last` says is the last.
 */
async function* follow<T>(input: StreamInput, path: string, last: (event: T) => boolean, lastEventId?: string): AsyncGenerator<T> {
  let lastId = lastEventId;
  let reconnects = input.maxReconnects ?? 5;
  for (;;) {
    const res = await (input.fetch ?? fetch)(`${input.baseUrl.replace(/\/$/, "")}${path}`, {
      headers: { authorization: `Bearer ${input.token}`, accept: "text/event-stream", ...(lastId ? { "last-event-id": lastId } : {}) },
      ...(input.signal ? { signal: input.signal } : {}),
    }).catch((err: unknown) => unreachable(input.baseUrl, err));
    if (!res.ok || !res.body) throw await apiErrorOf(res);
    for await (const ev of serverSentEvents(res.body)) {
      if (ev.id) lastId = ev.id;
      const event = JSON.parse(ev.data) as T;
      yield event;
      if (last(event)) return;
    }
    if (reconnects-- <= 0) throw new ApiError(0, "NETWORK", "the event stream dropped more often than allowed");
  }
}

/**
 * GET /v1/jobs/{id}/events as an async iterable of JobEvents: replays what happened, follows live,
 * reconnects from the last event id if the stream drops, and ends after completed, failed or canceled.
 */
export function followJobEvents(input: FollowInput): AsyncGenerator<JobEvent> {
  return follow<JobEvent>(input, `/v1/jobs/${encodeURIComponent(input.jobId)}/events`, (e) => TERMINAL.has(e.type));
}

/** GET /v1/events's notice that a resume missed events it can no longer replay: reload what you show. */
export type ResyncNotice = { type: "resync"; reason: string };

/**
 * GET /v1/events as an async iterable: every event of your jobs, live, from `lastEventId` on when
 * given; it reconnects from the last event id if the stream drops, so nothing is missed or repeated
 * (within the events' retention; otherwise a ResyncNotice comes first). It ends only when
 * `signal` aborts or the reconnections run out.
 */
export function followUserEvents(input: StreamInput & { lastEventId?: string }): AsyncGenerator<JobEvent | ResyncNotice> {
  return follow<JobEvent | ResyncNotice>(input, "/v1/events", () => false, input.lastEventId);
}
