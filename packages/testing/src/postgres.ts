import { spawnSync } from "node:child_process";

/**
 * The machine's PostgreSQL, for FerretDB's PostgreSQL backend in tests. Not started here: a
 * PostgreSQL server is a system service (these machines and CI run one on 127.0.0.1:5432, trust
 * authentication); MP4T_TEST_POSTGRES_URL points elsewhere. Reached with psql, which the
 * server's Debian packages bring, so the workspace needs no PostgreSQL driver.
 */
export const DEFAULT_TEST_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export type TestPostgres = {
  /** The maintenance database's URL (where databases are created and dropped). */
  url: string;
  /** `url` with its database replaced by `database`. */
  urlFor(database: string): string;
  /** Creates a database; names are ours (checked), never user input. */
  createDatabase(database: string): void;
  /** Drops it, closing FerretDB's connections left behind. */
  dropDatabase(database: string): void;
};

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function psql(url: string, sql: string): { ok: true; out: string } | { ok: false; error: string } {
  const r = spawnSync("psql", [url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql], {
    encoding: "utf8",
    timeout: 15_000,
    env: { ...process.env, PGCONNECT_TIMEOUT: "3" },
  });
  if (r.error) return { ok: false, error: (r.error as NodeJS.ErrnoException).code === "ENOENT" ? "psql is not installed" : r.error.message };
  if (r.status !== 0) return { ok: false, error: r.stderr.trim().split("\n")[0] ?? `psql exited ${r.status}` };
  return { ok: true, out: r.stdout.trim() };
}

/** The test PostgreSQL if it answers (synchronous, for `describe.skipIf`), else why not. */
export function testPostgres(env: NodeJS.ProcessEnv = process.env): TestPostgres | { unavailable: string } {
  const url = env.MP4T_TEST_POSTGRES_URL ?? DEFAULT_TEST_POSTGRES_URL;
  const probe = psql(url, "select 1");
  if (!probe.ok) return { unavailable: `no PostgreSQL at ${new URL(url).host} (${probe.error}); set MP4T_TEST_POSTGRES_URL` };
  const urlFor = (database: string) => {
    const u = new URL(url);
    u.pathname = `/${database}`;
    return u.toString();
  };
  const run = (sql: string) => {
    const r = psql(url, sql);
    if (!r.ok) throw new Error(`PostgreSQL at ${new URL(url).host}: ${sql}: ${r.error}`);
  };
  const checked = (database: string) => {
    if (!NAME.test(database)) throw new Error(`not a test database name: ${database}`);
    return database;
  };
  return {
    url,
    urlFor,
    createDatabase: (database) => run(`create database ${checked(database)}`),
    dropDatabase: (database) => run(`drop database if exists ${checked(database)} with (force)`),
  };
}
