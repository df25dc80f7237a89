import { LANES, type Lane } from "@mp4t/contracts";
import { z } from "zod";

/**
 * Environment profiles: per lane, how many workers, how far they autoscale, how much they may
 * hold unacked, how they retry and when they recycle. Defaults mirror the replaced Celery system
 * (development 2 / solo, staging 4 autoscaling 2-6, production 8 autoscaling 4-12, prefetch 4,
 * restart after 1000 tasks) and its production layout of 122 workers
 * (critical 3x6, high 5x12, default 4x10, low 1x4).
 */
export const PROFILE_NAMES = ["development", "staging", "production"] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const LaneSettings = z.object({
  /** Replicas of each service on this lane in the deployment layout (compose, deploy/). */
  replicas: int(1, 1000),
  /** Worker slots a replica starts with. */
  concurrency: int(1, 64),
  /** The autoscaler moves a replica's slots between these with backlog and load. */
  autoscale: z.object({ min: int(1, 64), max: int(1, 64) }),
  /** Prefetch multiplier (Celery's): consumers allow prefetch x autoscale.max x replicas unacked. */
  prefetch: int(1, 64),
  /** Seconds before an unacked message is redelivered; heartbeats extend it while work runs. */
  ackWaitSec: int(5, 3600),
  /** Deliveries before a failing message is dead-lettered. */
  maxDeliver: int(1, 100),
  backoff: z.object({ baseMs: int(10, 3_600_000), maxMs: int(10, 3_600_000) }),
  /** Drain and restart a replica after this many jobs (0: never) or above this RSS (0: never). */
  recycle: z.object({ afterJobs: int(0, 10_000_000), maxRssMb: int(0, 1_000_000) }),
  /** Interactive first, but every Nth dispatch goes to batch while both have work. */
  batchEvery: int(2, 1000),
  /** How often a replica re-reads its consumers' backlog (priority, fairness, autoscaling). */
  pollMs: int(50, 10_000),
});
export type LaneSettings = z.infer<typeof LaneSettings>;
/** Lane settings with the consumer limit derived from them. */
export type ResolvedLane = LaneSettings & { maxAckPending: number };

export const Profile = z.object(Object.fromEntries(LANES.map((l) => [l, LaneSettings])) as Record<Lane, typeof LaneSettings>);
export type Profile = z.infer<typeof Profile>;

const base = {
  replicas: 1,
  prefetch: 4,
  ackWaitSec: 30,
  maxDeliver: 5,
  backoff: { baseMs: 1000, maxMs: 60_000 },
  batchEvery: 5,
} as const;
const every = (s: LaneSettings): Profile => Object.fromEntries(LANES.map((l) => [l, s])) as Profile;
const production = (replicas: number, max: number): LaneSettings => ({
  ...base,
  replicas,
  concurrency: Math.min(8, max),
  autoscale: { min: Math.min(4, max), max },
  ackWaitSec: 60,
  recycle: { afterJobs: 1000, maxRssMb: 2048 },
  pollMs: 500,
});

export const PROFILES: Record<ProfileName, Profile> = {
  development: every({ ...base, concurrency: 2, autoscale: { min: 2, max: 2 }, recycle: { afterJobs: 0, maxRssMb: 0 }, pollMs: 250 }),
  staging: {
    ...every({ ...base, concurrency: 4, autoscale: { min: 2, max: 6 }, recycle: { afterJobs: 1000, maxRssMb: 1536 }, pollMs: 500 }),
  },
  production: { critical: production(3, 6), high: production(5, 12), default: production(4, 10), low: production(1, 4) },
};

/** MP4T_PROFILE wins; otherwise NODE_ENV when it names a profile (`test` runs as development). */
export function selectProfile(env: { MP4T_PROFILE?: string | undefined; NODE_ENV?: string | undefined }): ProfileName {
  const pick = env.MP4T_PROFILE ?? env.NODE_ENV;
  return (PROFILE_NAMES as readonly string[]).includes(pick ?? "") ? (pick as ProfileName) : "development";
}

/** Environment overrides; they apply to every lane the process serves (a service has one). */
export type WorkerOverrides = Partial<{
  concurrency: number;
  min: number;
  max: number;
  prefetch: number;
  maxAckPending: number;
  replicas: number;
  ackWaitSec: number;
  maxDeliver: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  recycleJobs: number;
  recycleRssMb: number;
  batchEvery: number;
  pollMs: number;
}>;

export function applyOverrides(s: LaneSettings, o: WorkerOverrides): ResolvedLane {
  // A bare WORKER_CONCURRENCY pins the replica there: "run N workers" means N, not "start at N".
  const pinned = o.concurrency !== undefined && o.min === undefined && o.max === undefined;
  const min = pinned ? o.concurrency! : (o.min ?? s.autoscale.min);
  const max = pinned ? o.concurrency! : (o.max ?? s.autoscale.max);
  const concurrency = o.concurrency ?? Math.min(max, Math.max(min, s.concurrency));
  const out = LaneSettings.parse({
    replicas: o.replicas ?? s.replicas,
    concurrency,
    autoscale: { min, max },
    prefetch: o.prefetch ?? s.prefetch,
    ackWaitSec: o.ackWaitSec ?? s.ackWaitSec,
    maxDeliver: o.maxDeliver ?? s.maxDeliver,
    backoff: { baseMs: o.backoffBaseMs ?? s.backoff.baseMs, maxMs: o.backoffMaxMs ?? s.backoff.maxMs },
    recycle: { afterJobs: o.recycleJobs ?? s.recycle.afterJobs, maxRssMb: o.recycleRssMb ?? s.recycle.maxRssMb },
    batchEvery: o.batchEvery ?? s.batchEvery,
    pollMs: o.pollMs ?? s.pollMs,
  });
  return { ...out, maxAckPending: o.maxAckPending ?? out.prefetch * out.autoscale.max * out.replicas };
}

/** Settings that cannot work as meant; production refuses to start with any of them. */
export function laneProblems(lane: Lane, s: ResolvedLane): string[] {
  const p: string[] = [];
  const at = (m: string) => p.push(`${lane}: ${m}`);
  if (s.autoscale.min > s.autoscale.max) at(`autoscale min ${s.autoscale.min} > max ${s.autoscale.max}`);
  if (s.concurrency < s.autoscale.min || s.concurrency > s.autoscale.max) {
    at(`concurrency ${s.concurrency} outside autoscale ${s.autoscale.min}-${s.autoscale.max}`);
  }
  if (s.maxAckPending < s.autoscale.max * s.replicas) {
    at(`prefetch (max ack pending ${s.maxAckPending}) below the lane's concurrency ${s.autoscale.max} x ${s.replicas} replicas: workers would idle`);
  }
  if (s.backoff.baseMs > s.backoff.maxMs) at(`retry backoff base ${s.backoff.baseMs} ms > max ${s.backoff.maxMs} ms`);
  if (s.recycle.afterJobs > 0 && s.recycle.afterJobs < s.autoscale.max) {
    at(`recycling after ${s.recycle.afterJobs} jobs, fewer than the ${s.autoscale.max} a replica runs at once`);
  }
  if (s.recycle.maxRssMb > 0 && s.recycle.maxRssMb < 128) at(`recycle memory ceiling ${s.recycle.maxRssMb} MB is below a Node process's baseline`);
  if (s.pollMs > s.ackWaitSec * 1000) at(`poll interval ${s.pollMs} ms exceeds ack wait ${s.ackWaitSec} s`);
  return p;
}

export type ResolvedProfile = { name: ProfileName; lanes: Record<Lane, ResolvedLane>; problems: string[] };

/**
 * A profile with the environment's overrides applied and checked. Problems are returned for
 * development and staging (logged as warnings) and make production refuse to start.
 */
export function resolveProfile(name: ProfileName, overrides: WorkerOverrides = {}, profiles: Record<ProfileName, Profile> = PROFILES): ResolvedProfile {
  const profile = profiles[name];
  const problems: string[] = [];
  const lanes = {} as Record<Lane, ResolvedLane>;
  for (const lane of LANES) {
    try {
      lanes[lane] = applyOverrides(LaneSettings.parse(profile[lane]), overrides);
      problems.push(...laneProblems(lane, lanes[lane]));
    } catch (err) {
      const issues = err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join(".")}: ${i.message}`) : [String(err)];
      problems.push(...issues.map((i) => `${lane}: ${i}`));
    }
  }
  if (name === "production" && problems.length) throw new ProfileError(name, problems);
  // Outside production an unusable override falls back to the profile's own value.
  try {
    for (const lane of LANES) lanes[lane] ??= applyOverrides(LaneSettings.parse(profile[lane]), {});
  } catch {
    throw new ProfileError(name, problems); // the profile table itself is broken
  }
  return { name, lanes, problems };
}

export class ProfileError extends Error {
  readonly issues: string[];
  constructor(profile: string, issues: string[]) {
    super(`the ${profile} profile refuses these worker settings:\n  - ${issues.join("\n  - ")}`);
    this.name = "ProfileError";
    this.issues = issues;
  }
}
