import { z } from "zod";
import { UserId } from "./job.schema.ts";

/** What an API key may do. A key never manages keys, passwords, sessions or admin routes. */
export const API_KEY_SCOPES = ["jobs:read", "jobs:write", "webhooks"] as const;
export const ApiKeyScope = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

/** Keys one user may hold at once. */
export const MAX_API_KEYS_PER_USER = 25;

/** The fixed start of every key, so scanners and people recognise one. */
export const API_KEY_PREFIX = "mp4t_";
/** `mp4t_` + 40 base62 characters (~238 bits). */
export const API_KEY_PATTERN = /^mp4t_[0-9A-Za-z]{40}$/;

/**
 * An API key as stored: never the key itself, only its SHA-256 (hex). A key is 238 random bits,
 * so a fast hash is enough: there is nothing to guess. `email` finds the user (the store's key).
 */
export const ApiKeyRecord = z.object({
  id: z.string().regex(/^[0-9a-z]{26}$/),
  userId: UserId,
  email: z.email(),
  name: z.string().min(1).max(100),
  /** The key's first 12 characters, to tell keys apart in a list. */
  prefix: z.string().length(12),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  scopes: z.array(ApiKeyScope).min(1).max(API_KEY_SCOPES.length),
  createdAt: z.iso.datetime(),
  /** Coalesced: written at most once a minute per key and gateway replica. */
  lastUsedAt: z.iso.datetime().nullable(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecord>;
