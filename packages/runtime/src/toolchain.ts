import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

/**
 * A program scripts/toolchain.sh installs into $MP4T_TOOLS/bin (default ~/.cache/mp4t/bin), else
 * the one on PATH; the environment variable `override` (e.g. NATS_SERVER_BIN) wins over both.
 */
export function toolBin(name: string, override: string, env: NodeJS.ProcessEnv = process.env): string {
  return env[override] ?? builtTool(name, env) ?? name;
}

/** The program scripts/toolchain.sh installed into $MP4T_TOOLS/bin (default ~/.cache/mp4t/bin), if it is there. */
export function builtTool(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const built = join(env.MP4T_TOOLS ?? join(homedir(), ".cache", "mp4t"), "bin", name);
  return existsSync(built) ? built : undefined;
}

/**
 * The nats-server that scripts/toolchain.sh built, else the one on PATH. A system package can be
 * too old (Debian ships 2.9; filtered and paused consumers need 2.11+). NATS_SERVER_BIN overrides.
 */
export const natsServerBin = (env: NodeJS.ProcessEnv = process.env) => toolBin("nats-server", "NATS_SERVER_BIN", env);

/** The uid and gid a child process that touches user media runs as, and how much lower its CPU priority is (nice, 0-19). */
export type MediaIdentity = { uid: number; gid: number; nice?: number };

/**
 * The media tools' default nice value: decoding and recognising are batch work, and on a busy
 * machine the gateway (uploads, reads, the page) and nats-server, at 0, come first. On an idle
 * machine it changes nothing. docs/architecture.md, "Fifteenth pass".
 */
export const DEFAULT_MEDIA_NICE = 10;

/**
 * Config fragment for services that spawn media tools. Debian's `nobody`/`nogroup` own nothing
 * of ours: DATA_DIR secrets are 0600 root and every scratch directory is 0700 root.
 */
export const mediaEnv = {
  /** uid that ffmpeg and pocketsphinx run as when the service runs as root (0: stay root). */
  MEDIA_UID: z.coerce.number().int().min(0).default(65534),
  /** gid for the same processes. */
  MEDIA_GID: z.coerce.number().int().min(0).default(65534),
  /** Added to ffmpeg's and pocketsphinx's nice value (0: the service's own priority). */
  MEDIA_NICE: z.coerce.number().int().min(0).max(19).default(DEFAULT_MEDIA_NICE),
};
export const mediaIdentity = (c: { MEDIA_UID: number; MEDIA_GID: number; MEDIA_NICE?: number }): MediaIdentity => ({
  uid: c.MEDIA_UID,
  gid: c.MEDIA_GID,
  nice: c.MEDIA_NICE ?? DEFAULT_MEDIA_NICE,
});
/** `nobody`/`nogroup`; its nice value MEDIA_NICE's (`mediaSpawnOptions`). */
export const DEFAULT_MEDIA_IDENTITY: MediaIdentity = { uid: 65534, gid: 65534 };

/**
 * Spawn options for a process that parses user media. A root service runs it as `runAs` (a
 * process that is not root cannot switch users, and then runs it as itself); the spawn relay drops
 * the supplementary groups with the switch. Its environment is PATH and a fixed locale only, so no
 * secret (JWT_SECRET, ADMIN_PASSWORD, NATS credentials, provider keys) reaches it, and `/` is its
 * working directory, so a relative path it is tricked into opening names nothing of ours. Its
 * nice value is raised by `runAs.nice`, else by `env.MEDIA_NICE` (10 if unset or invalid).
 */
export type MediaSpawnOptions = { env: Record<string, string>; cwd: string; nice: number; uid?: number; gid?: number };

export function mediaSpawnOptions(runAs: MediaIdentity, env: NodeJS.ProcessEnv = process.env): MediaSpawnOptions {
  const drop = process.getuid?.() === 0 && runAs.uid !== 0;
  return {
    // LC_ALL=C keeps the tools' number formats (decimal points) what the parsers expect.
    env: { PATH: env.PATH ?? "/usr/local/bin:/usr/bin:/bin", LC_ALL: "C" },
    cwd: "/",
    nice: runAs.nice ?? mediaEnv.MEDIA_NICE.catch(DEFAULT_MEDIA_NICE).parse(env.MEDIA_NICE),
    ...(drop ? { uid: runAs.uid, gid: runAs.gid } : {}),
  };
}
