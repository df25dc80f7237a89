import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * A program scripts/toolchain.sh installs into $MP4T_TOOLS/bin (default ~/.cache/mp4t/bin), else
 * the one on PATH; the environment variable `override` (e.g. NATS_SERVER_BIN) wins over both.
 */
export function toolBin(name: string, override: string, env: NodeJS.ProcessEnv = process.env): string {
  const built = join(env.MP4T_TOOLS ?? join(homedir(), ".cache", "mp4t"), "bin", name);
  return env[override] ?? (existsSync(built) ? built : name);
}

/**
 * The nats-server that scripts/toolchain.sh built, else the one on PATH. A system package can be
 * too old (Debian ships 2.9; filtered and paused consumers need 2.11+). NATS_SERVER_BIN overrides.
 */
export const natsServerBin = (env: NodeJS.ProcessEnv = process.env) => toolBin("nats-server", "NATS_SERVER_BIN", env);
