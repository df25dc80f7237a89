import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { createMp4tClient } from "../index.ts";
import { CliError, EXIT } from "./exit.ts";

/** What `mp4t login` stores: an API key, or a session (access and refresh tokens). */
export type StoredCredentials = {
  url: string;
  apiKey?: string;
  session?: { token: string; expiresAt: string; refreshToken: string; refreshExpiresAt: string; email: string };
};

export type Credentials = { url: string; token: string; source: string };

export const DEFAULT_URL = "http://localhost:8080";

/** $XDG_CONFIG_HOME/mp4t/config.json (default ~/.config/mp4t/config.json); MP4T_CONFIG overrides. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MP4T_CONFIG) return env.MP4T_CONFIG;
  const base = env.XDG_CONFIG_HOME?.startsWith("/") ? env.XDG_CONFIG_HOME : join(homedir(), ".config");
  return join(base, "mp4t", "config.json");
}

export async function readStored(path: string): Promise<StoredCredentials | undefined> {
  const text = await readFile(path, "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return undefined;
    throw new CliError(EXIT.usage, `cannot read ${path}: ${err.message}`);
  });
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as StoredCredentials;
  } catch {
    throw new CliError(EXIT.usage, `${path} is not valid JSON; delete it and run mp4t login`);
  }
}

/** Writes the file readable by its owner only (directory 0700, file 0600), atomically. */
export async function writeStored(path: string, creds: StoredCredentials): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

/**
 * The server and bearer token a command uses: flags first, then MP4T_URL / MP4T_API_KEY, then the
 * config file (a stored session is refreshed when its access token has expired).
 */
export async function resolveCredentials(flags: { url?: string | undefined }, env: NodeJS.ProcessEnv = process.env): Promise<Credentials> {
  const path = configPath(env);
  const stored = await readStored(path);
  const url = (flags.url ?? env.MP4T_URL ?? stored?.url ?? DEFAULT_URL).replace(/\/$/, "");
  if (env.MP4T_API_KEY) return { url, token: env.MP4T_API_KEY, source: "MP4T_API_KEY" };
  if (stored?.apiKey) return { url, token: stored.apiKey, source: path };
  const session = stored?.session;
  if (!session) throw new CliError(EXIT.auth, "not signed in: set MP4T_API_KEY, or run mp4t login");
  if (Date.parse(session.expiresAt) - 60_000 > Date.now()) return { url, token: session.token, source: path };
  if (Date.parse(session.refreshExpiresAt) <= Date.now()) throw new CliError(EXIT.auth, "the stored session has expired: run mp4t login");
  const { data, error, response } = await createMp4tClient({ baseUrl: url }).POST("/v1/auth/refresh", { body: { refreshToken: session.refreshToken } });
  if (!data) throw new CliError(EXIT.auth, `could not refresh the stored session (${response.status} ${error?.error.code ?? ""}): run mp4t login`);
  await writeStored(path, { ...stored!, session: { ...data, email: session.email } });
  return { url, token: data.token, source: path };
}
