/**
 * Resolves docker-compose.yml for one profile the way `docker compose --env-file
 * deploy/compose/<profile>.env --profile <profile>` would, without a Docker engine: anchors and
 * merge keys, `${VAR}` interpolation of the whole file (compose interpolates before it applies
 * profiles, so a missing required variable fails every profile), profile selection, and each
 * service's environment (env_file first, `environment` over it).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export const ROOT = join(import.meta.dirname, "..", "..");
export const COMPOSE_FILE = join(ROOT, "docker-compose.yml");

export type Vars = Record<string, string>;
export type Dependency = { condition: string; required: boolean };
export type Service = {
  name: string;
  image?: string;
  build?: unknown;
  profiles?: string[];
  command?: string[];
  environment: Vars;
  depends_on: Record<string, Dependency>;
  volumes: string[];
  ports: string[];
  healthcheck?: { test: unknown };
  deploy?: { replicas?: string | number };
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

const VARIABLE = /\$(?:\$|\{([A-Za-z_]\w*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_]\w*))/g;

/** Compose's interpolation of one string; problems compose would report go to `issues`. */
export function interpolate(text: string, vars: Vars, issues: string[], where: string): string {
  const out = text.replace(VARIABLE, (whole, braced?: string, op?: string, arg = "", bare?: string) => {
    if (whole === "$$") return "$";
    const name = (braced ?? bare)!;
    const value = vars[name];
    const empty = value === undefined || value === "";
    if (op === ":-") return empty ? arg : value!;
    if (op === "-") return value ?? arg;
    if ((op === ":?" && empty) || (op === "?" && value === undefined)) {
      issues.push(`${where}: required variable ${name} is missing a value: ${arg}`);
      return "";
    }
    // compose substitutes an empty string with a warning; here it is a mistake.
    if (value === undefined) issues.push(`${where}: ${name} is not set`);
    return value ?? "";
  });
  if (out.includes("${")) issues.push(`${where}: unsupported interpolation in ${text}`);
  return out;
}

function interpolateTree(node: unknown, vars: Vars, issues: string[], where: string): unknown {
  if (typeof node === "string") return interpolate(node, vars, issues, where);
  if (Array.isArray(node)) return node.map((v, i) => interpolateTree(v, vars, issues, `${where}[${i}]`));
  if (node && typeof node === "object") {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateTree(v, vars, issues, `${where}.${k}`)]));
  }
  return node;
}

const asString = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined);

function environmentOf(name: string, raw: Record<string, unknown>, issues: string[]): Vars {
  const env: Vars = {};
  const envFiles = raw.env_file === undefined ? [] : [raw.env_file].flat();
  for (const entry of envFiles) {
    const path = join(ROOT, typeof entry === "string" ? entry : (entry as { path: string }).path);
    if (existsSync(path)) Object.assign(env, readEnvFile(path));
    else issues.push(`${name}: env_file ${path} does not exist`);
  }
  const pairs = Array.isArray(raw.environment)
    ? (raw.environment as string[]).map((kv) => [kv.split("=")[0]!, kv.includes("=") ? kv.slice(kv.indexOf("=") + 1) : null])
    : Object.entries((raw.environment ?? {}) as Record<string, unknown>);
  for (const [key, value] of pairs) {
    const s = asString(value);
    if (s === undefined) issues.push(`${name}: environment ${key} has no value (compose would take it from the shell)`);
    else env[key!] = s;
  }
  return env;
}

function dependenciesOf(raw: unknown): Record<string, Dependency> {
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((n: string) => [n, { condition: "service_started", required: true }]));
  return Object.fromEntries(Object.entries((raw ?? {}) as Record<string, Partial<Dependency>>).map(([n, d]) => [
    n, { condition: d?.condition ?? "service_started", required: d?.required !== false },
  ]));
}

/**
 * The project for `profile`, interpolated with the profile's compose env file overlaid by `shell`
 * (the variables exported where compose runs win over the env file, as in compose).
 */
export function loadProject(profile: string, shell: Vars = {}): Project {
  const text = readFileSync(COMPOSE_FILE, "utf8");
  const vars = { ...readEnvFile(join(ROOT, "deploy", "compose", `${profile}.env`)), ...shell };
  const issues: string[] = [];
  const doc = interpolateTree(parse(text, { merge: true }), vars, issues, "") as {
    services: Record<string, Record<string, unknown>>; volumes?: Record<string, unknown>;
  };
  const services: Record<string, Service> = {};
  for (const [name, raw] of Object.entries(doc.services)) {
    const profiles = raw.profiles as string[] | undefined;
    if (profiles && !profiles.includes(profile)) continue;
    services[name] = {
      ...(raw as Partial<Service>),
      name,
      environment: environmentOf(name, raw, issues),
      depends_on: dependenciesOf(raw.depends_on),
      volumes: (raw.volumes ?? []) as string[],
      ports: (raw.ports ?? []) as string[],
    };
  }
  if (issues.length) throw new ComposeError(issues);
  const required = [...text.matchAll(/\$\{([A-Za-z_]\w*):?\?/g)].map((m) => m[1]!);
  return { profile, services, defined: Object.keys(doc.services), volumes: Object.keys(doc.volumes ?? {}), required: [...new Set(required)] };
}
