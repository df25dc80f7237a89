import { rm } from "node:fs/promises";
import { createInterface } from "node:readline/promises";
import { createMp4tClient, toApiError } from "../index.ts";
import { configPath, readStored, writeStored } from "./config.ts";
import { CliError, EXIT } from "./exit.ts";

export type LoginArgs = { url: string; apiKey?: string | undefined; email?: string | undefined; passwordStdin: boolean };

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk.toString();
  return text.trim();
}

/** Asks on the terminal without echoing what is typed. */
async function askHidden(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const write = rl as unknown as { _writeToOutput: (s: string) => void };
  let asked = false;
  write._writeToOutput = (s: string) => {
    if (!asked) process.stderr.write(s);
    asked = true;
  };
  try {
    return await rl.question(question);
  } finally {
    rl.close();
    process.stderr.write("\n");
  }
}

/**
 * Stores an API key (checked with GET /v1/me) or a session from email and password in the config
 * file (0600). The password comes from stdin (--password-stdin), MP4T_PASSWORD, or a hidden prompt.
 */
export async function login(args: LoginArgs, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = configPath(env);
  if (args.apiKey !== undefined) {
    const key = args.apiKey === "-" ? await readAll(process.stdin) : args.apiKey;
    if (!key.startsWith("mp4t_")) throw new CliError(EXIT.usage, "an API key starts with mp4t_");
    const { data, error, response } = await createMp4tClient({ baseUrl: args.url, token: key }).GET("/v1/me");
    if (!data) throw toApiError(error, response);
    await writeStored(path, { url: args.url, apiKey: key });
    return `signed in to ${args.url} as ${data.email} with an API key (saved in ${path})`;
  }
  const email = args.email ?? env.MP4T_EMAIL;
  if (!email) throw new CliError(EXIT.usage, "mp4t login needs --email (or --api-key)");
  const password = args.passwordStdin
    ? await readAll(process.stdin)
    : (env.MP4T_PASSWORD ?? (process.stdin.isTTY ? await askHidden(`Password for ${email}: `) : undefined));
  if (!password) throw new CliError(EXIT.usage, "no password: use --password-stdin, MP4T_PASSWORD or a terminal");
  const { data, error, response } = await createMp4tClient({ baseUrl: args.url }).POST("/v1/auth/login", { body: { email, password } });
  if (!data) throw toApiError(error, response);
  await writeStored(path, { url: args.url, session: { ...data, email } });
  return `signed in to ${args.url} as ${email} (saved in ${path}; the session renews itself until ${data.refreshExpiresAt})`;
}

/** Forgets the stored credentials (and ends a stored session on the server, best effort). */
export async function logout(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = configPath(env);
  const stored = await readStored(path);
  if (stored?.session) {
    await createMp4tClient({ baseUrl: stored.url, token: stored.session.token })
      .POST("/v1/auth/logout", { body: {} })
      .catch(() => undefined);
  }
  await rm(path, { force: true });
  return stored ? `signed out (removed ${path})` : "not signed in";
}
