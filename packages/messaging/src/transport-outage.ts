/**
 * Names of the errors nats.js (v3) raises while the server is unreachable, restarting, or has
 * nobody listening on a subject yet. Spelled as nats.js sets `Error.name`: the no-responders class
 * is `NoRespondersError` but its name is "NoResponders".
 */
export const TRANSPORT_OUTAGE_ERROR_NAMES: ReadonlySet<string> = new Set([
  "TimeoutError",
  "ConnectionError",
  "ClosedConnectionError",
  "NoResponders",
  "RequestError",
  "DrainingConnectionError",
]);

/** True when the error, or one of its causes, is a NATS transport outage rather than a fault in the work. */
export function isTransportOutage(err: unknown): boolean {
  let depth = 0;
  for (let e = err; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (TRANSPORT_OUTAGE_ERROR_NAMES.has(e.name)) return true;
  }
  return false;
}
