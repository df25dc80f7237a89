/**
 * docker-compose.yml as `docker compose --env-file deploy/compose/<profile>.env --profile <profile>`
 * resolves it, from compose-check (tests/deploy/checks: compose-go, docker compose's own loader,
 * with its compose-spec schema validation): anchors, merge keys, interpolation, profiles, env_file
 * merged into each service's environment, relative paths made absolute.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { toolBin } from "@mp4t/runtime";
import { parse } from "yaml";

export const ROOT = join(import.meta.dirname, "..", "..");
export const COMPOSE_FILE = join(ROOT, "docker-compose.yml");
export const composeCheckBin = () => toolBin("compose-check", "COMPOSE_CHECK_BIN");

export type Vars = Record<string, string>;
export type Dependency = { condition: string; required: boolean };
export type Mount = { type: "bind" | "volume" | "tmpfs"; source?: string; target: string; read_only?: boolean };
export type Port = { target: number; published?: string; host_ip?: string };
export type Service = {
  name: string;
  image?: string;
  build?: { context: string; dockerfile: string };
  pull_policy?: string;
  profiles?: string[];
  command?: string[] | null;
  environment: Vars;
  depends_on: Record<string, Dependency>;
  volumes: Mount[];
  ports: Port[];
  restart?: string;
  read_only?: boolean;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
  deploy?: { replicas?: number };
};
export type Project = {
  profile: string;
  /** The services the profile enables, by name. */
  services: Record<string, Service>;
  /** Every service name in the file, enabled or not. */
  defined: string[];
  volumes: string[];
  /** `${VAR:?...}` variables: compose stops when they are unset or empty. */
  required: string[];
};

export class ComposeError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`docker compose would refuse this:\n  - ${issues.join("\n  - ")}`);
    this.issues = issues;
  }
}

/** KEY=VALUE lines as compose reads them: comments, blank lines, optional quotes. */
export function readEnvFile(path: string): Vars {
  const vars: Vars = {};
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq < 1) throw new Error(`${path}: not KEY=VALUE: ${line}`);
    const value = line.slice(eq + 1).trim();
    const quoted = /^(["'])(.*)\1$/.exec(value);
    vars[line.slice(0, eq).trim()] = quoted ? quoted[2]! : value.replace(/\s+#.*$/, "");
  }
  return vars;
}

/**
 * Runs compose-check; only `shell` (plus PATH and HOME) is the environment, as if exported where
 * compose runs: nothing of the test process leaks into interpolation.
 */
export function composeCheck(args: { profile: string; shell?: Vars; file?: string; projectDir?: string }): unknown {
  const argv = ["-file", args.file ?? COMPOSE_FILE, "-env-file", join(ROOT, "deploy", "compose", `${args.profile}.env`), "-profile", args.profile];
  if (args.projectDir) argv.push("-project-dir", args.projectDir);
  const r = spawnSync(composeCheckBin(), argv, {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...args.shell },
    encoding: "utf8",
    timeout: 30_000,
    maxBuffer: 32 * 1024 * 1024,
  });
  if (r.error) throw new Error(`compose-check did not run (${r.error.message}): run MP4T_TEST_TOOLS=1 bash scripts/toolchain.sh`);
  if (r.status !== 0) throw new ComposeError(r.stderr.trim().split("\n").filter(Boolean));
  return JSON.parse(r.stdout);
}

type Loaded = {
  services: Record<string, Omit<Service, "name" | "environment"> & { environment?: Record<string, string | null> }>;
  volumes?: Record<string, unknown>;
};

/** The project for `profile`, with the profile's compose env file overlaid by `shell` (the shell wins, as in compose). */
export function loadProject(profile: string, shell: Vars = {}): Project {
  const loaded = composeCheck({ profile, shell }) as Loaded;
  const services: Record<string, Service> = {};
  for (const [name, raw] of Object.entries(loaded.services)) {
    const environment: Vars = {};
    for (const [k, v] of Object.entries(raw.environment ?? {})) if (v !== null) environment[k] = v;
    services[name] = {
      ...raw,
      name,
      environment,
      depends_on: Object.fromEntries(Object.entries(raw.depends_on ?? {}).map(([n, d]) => [n, { condition: d.condition, required: d.required !== false }])),
      volumes: raw.volumes ?? [],
      ports: raw.ports ?? [],
    };
  }
  const text = readFileSync(COMPOSE_FILE, "utf8");
  const defined = Object.keys((parse(text, { merge: true }) as { services: Record<string, unknown> }).services);
  const required = [...new Set([...text.matchAll(/\$\{([A-Za-z_]\w*):?\?/g)].map((m) => m[1]!))];
  return { profile, services, defined, volumes: Object.keys(loaded.volumes ?? {}), required };
}
