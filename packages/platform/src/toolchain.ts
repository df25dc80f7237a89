import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The nats-server that scripts/toolchain.sh built, else the one on PATH. A system package can be
 * too old (Debian ships 2.9; filtered and paused consumers need 2.11+). NATS_SERVER_BIN overrides.
 */
export function natsServerBin(env: NodeJS.ProcessEnv = process.env): string {
  const built = join(env.MP4T_TOOLS ?? join(homedir(), ".cache", "mp4t"), "bin", "nats-server");
  return env.NATS_SERVER_BIN ?? (existsSync(built) ? built : "nats-server");
}
