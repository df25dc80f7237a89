/**
 * Who creates streams: the gateway (and `npm start`, as admin, before any service) creates and
 * updates every stream and bucket; a worker's NATS user may only read their info. A worker that
 * starts first waits here until they exist, rather than crash-looping on a denied create.
 */
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "@mp4t/runtime";
import { ensureTopology, type TopologyOptions } from "./topology.ts";

const WAIT_STEP_MS = 1000;
const LOG_EVERY_MS = 10_000;

/** True for a request the server refused for the user's permissions. */
export const isPermissionError = (err: unknown) =>
  (err as Error)?.name === "PermissionViolationError" || /permissions violation/i.test(String((err as Error)?.message));

async function missingStreams(jsm: JetStreamManager, names: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const name of names) {
    try {
      await jsm.streams.info(name);
    } catch (err) {
      if (!/stream not found/i.test(String((err as Error)?.message))) throw err;
      missing.push(name);
    }
  }
  return missing;
}

/** Resolves once every named stream exists; logs what it waits for every ten seconds. */
export async function awaitStreams(nc: NatsConnection, names: readonly string[], logger: Logger, signal?: AbortSignal): Promise<void> {
  const jsm = await jetstreamManager(nc);
  let logged = 0;
  for (;;) {
    const missing = await missingStreams(jsm, names);
    if (!missing.length) return;
    if (signal?.aborted) throw signal.reason;
    if (Date.now() - logged > LOG_EVERY_MS) {
      logged = Date.now();
      logger.warn({ missing }, "waiting for streams: the gateway (or npm start) creates them");
    }
    await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
  }
}

/**
 * A worker's start: nothing to do when its streams exist. Otherwise it creates them when its user
 * may (an open test server), or waits for the gateway when it may not (least privilege).
 */
export async function prepareWorkerTopology(nc: NatsConnection, names: readonly string[], opts: TopologyOptions, logger: Logger): Promise<void> {
  const jsm = await jetstreamManager(nc);
  if (!(await missingStreams(jsm, names)).length) return;
  try {
    await ensureTopology(jsm, opts);
  } catch (err) {
    if (!isPermissionError(err)) throw err;
    await awaitStreams(nc, names, logger);
  }
}
