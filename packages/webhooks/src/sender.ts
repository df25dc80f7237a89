import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { pinnedLookup, type CheckedTarget } from "./target.ts";

export type SendResult = { ok: boolean; statusCode: number | null; error: string | null; responseBody: string };

/** Bytes of a receiver's response body kept (for the delivery log's error); the rest is not read. */
export const RESPONSE_CAP_BYTES = 1024;

/**
 * One POST of a webhook to an already checked target: connects only to the checked addresses,
 * follows no redirect (a 3xx is a failure), gives up after `timeoutMs` in all (connect, send,
 * response), reads at most RESPONSE_CAP_BYTES of the answer. Never throws.
 */
export function postWebhook(
  target: Extract<CheckedTarget, { ok: true }>,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<SendResult> {
  const request = target.url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: SendResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const req = request(
      target.url,
      {
        method: "POST",
        agent: false, // no pooled socket that a previous (other) resolution opened
        lookup: pinnedLookup(target.addresses),
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "user-agent": "mp4t-webhooks/1",
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const settle = () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString("utf8").slice(0, RESPONSE_CAP_BYTES);
          const ok = status >= 200 && status < 300;
          finish({ ok, statusCode: status, error: ok ? null : `the receiver answered ${status}`, responseBody: text });
        };
        res.on("data", (c: Buffer) => {
          chunks.push(c);
          size += c.length;
          if (size >= RESPONSE_CAP_BYTES) settle(); // enough read: the verdict is the status
        });
        res.on("end", settle);
        res.on("error", settle);
      },
    );
    const timer = setTimeout(() => finish({ ok: false, statusCode: null, error: `no response within ${timeoutMs} ms`, responseBody: "" }), timeoutMs);
    req.on("error", (err) => finish({ ok: false, statusCode: null, error: `request failed: ${err.message}`, responseBody: "" }));
    req.end(body);
  });
}
