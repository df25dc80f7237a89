import { ConfigError } from "@mp4t/contracts";
import { selectProfile } from "@mp4t/runtime";
import type { NatsConnection } from "@nats-io/transport-node";
import { z } from "zod";
import { createAddressPolicy } from "./address-policy.ts";
import { createNatsKvWebhookStore } from "./adapters/nats-kv-webhook-store.adapter.ts";
import type { WebhookStore } from "./store.ts";
import type { TargetSettings } from "./target.ts";

const flag = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1")
  .optional();
const UNITS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A text variable parsed by `parse`; what it throws is the variable's error at start. */
const parsed =
  <T>(parse: (text: string) => T) =>
  (text: string, ctx: z.RefinementCtx): T => {
    try {
      return parse(text);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
      return z.NEVER;
    }
  };

/** `5s,5m,30m,2h` -> milliseconds; the delays before the 2nd, 3rd ... attempt. */
export function parseSchedule(text: string): number[] {
  return text.split(",").map((part) => {
    const m = /^\s*(\d+(?:\.\d+)?)(ms|s|m|h|d)\s*$/.exec(part);
    if (!m) throw new Error(`bad delay "${part}" (e.g. 5s, 30m, 2h)`);
    return Math.round(Number(m[1]) * (m[2] === "ms" ? 1 : UNITS[m[2] as keyof typeof UNITS]));
  });
}

/** Webhook settings, part of the gateway's and the janitor's config schemas. */
export const webhooksEnv = {
  /** Targets allowed although not public: CIDRs, addresses or host names, comma-separated (also allows http for those hosts). */
  WEBHOOK_ALLOWED_TARGETS: z
    .string()
    .default("")
    .transform(
      parsed((s) => {
        const entries = s
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean);
        createAddressPolicy({ allow: entries }); // throws on a bad entry
        return entries;
      }),
    ),
  /** Loopback targets allowed; default: only in the development profile (receivers on the same machine). */
  WEBHOOK_ALLOW_LOOPBACK: flag,
  /** https required; default: only in the production profile. */
  WEBHOOK_REQUIRE_HTTPS: flag,
  /** Endpoints per user. */
  WEBHOOK_MAX_PER_USER: z.coerce.number().int().min(1).max(1000).default(10),
  /** Delays before each retry (Standard Webhooks' suggestion); one attempt more than delays listed. */
  WEBHOOK_RETRY_SCHEDULE: z.string().default("5s,5m,30m,2h,5h,10h,10h").transform(parsed(parseSchedule)),
  /** Milliseconds one POST may take in all (connect, send, response). */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** An endpoint is disabled after this many failed attempts in a row ... */
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(100_000).default(20),
  /** ... once its first failure in that run is at least this many seconds old (5 days). */
  WEBHOOK_DISABLE_AFTER_SEC: z.coerce.number().int().min(0).default(432_000),
  /** Milliseconds between the janitor's scans for due retries while scans find some; idle, the wait doubles up to a minute. */
  WEBHOOK_RETRY_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
} as const;

export type WebhooksConfig = {
  NODE_ENV?: string | undefined;
  MP4T_PROFILE?: string | undefined;
  WEBHOOK_ALLOWED_TARGETS: string[];
  WEBHOOK_ALLOW_LOOPBACK?: boolean | undefined;
  WEBHOOK_REQUIRE_HTTPS?: boolean | undefined;
};

/** Where webhooks may go, from the config and the profile. */
export function targetSettings(cfg: WebhooksConfig): TargetSettings {
  const profile = selectProfile(cfg);
  try {
    return {
      policy: createAddressPolicy({ allow: cfg.WEBHOOK_ALLOWED_TARGETS, allowLoopback: cfg.WEBHOOK_ALLOW_LOOPBACK ?? profile === "development" }),
      requireHttps: cfg.WEBHOOK_REQUIRE_HTTPS ?? profile === "production",
    };
  } catch (err) {
    throw new ConfigError("webhooks", [`WEBHOOK_ALLOWED_TARGETS: ${(err as Error).message}`]);
  }
}

/** The configured webhook store: beside the job store (NATS KV, or MongoDB with JOB_STORE=mongodb). */
export async function createWebhookStore(
  nc: NatsConnection,
  cfg: {
    JOB_STORE: "nats" | "mongodb";
    JETSTREAM_REPLICAS: number;
    MONGODB_URL?: string | undefined;
    MONGODB_DATABASE?: string | undefined;
    MONGODB_TIMEOUT_MS?: number | undefined;
  },
): Promise<WebhookStore> {
  if (cfg.JOB_STORE !== "mongodb") return createNatsKvWebhookStore(nc, { replicas: cfg.JETSTREAM_REPLICAS });
  const { createMongoWebhookStore } = await import("./adapters/mongo-webhook-store.adapter.ts");
  const database = cfg.MONGODB_DATABASE ?? /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(cfg.MONGODB_URL!)?.[1] ?? "mp4t";
  return createMongoWebhookStore({ url: cfg.MONGODB_URL!, database, ...(cfg.MONGODB_TIMEOUT_MS ? { timeoutMs: cfg.MONGODB_TIMEOUT_MS } : {}) });
}
