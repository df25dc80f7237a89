/**
 * What the licence gate looks at: every package pnpm installed (node_modules/.pnpm), every package
 * of the toolchain's npm-installed tools (Artillery) and every module linked into each Go-built
 * tool scripts/toolchain.sh puts on PATH (`go version -m`), with
 * the licence each declares (package.json) or states (the module's licence files in the Go
 * module cache).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { expressionOfTexts } from "./spdx.ts";

export type Component = {
  ecosystem: "npm" | "go" | "debian";
  name: string;
  version: string;
  /** SPDX expression as declared or recognised; undefined when none could be found. */
  licence: string | undefined;
  /** Where it came from: the package directory, or the tool that links the module. */
  via: string;
};

type PackageJson = { name?: string; version?: string; license?: unknown; licenses?: unknown };

/** package.json's `license` (SPDX string or legacy `{type}`) or legacy `licenses: [{type}]`. */
export function declaredLicence(pkg: PackageJson): string | undefined {
  const typeOf = (l: unknown) => (typeof l === "string" ? l : (l as { type?: string } | null)?.type);
  if (pkg.license !== undefined) return typeOf(pkg.license);
  if (Array.isArray(pkg.licenses) && pkg.licenses.length) {
    const ids = pkg.licenses.map(typeOf).filter(Boolean);
    return ids.length > 1 ? `(${ids.join(" OR ")})` : ids[0];
  }
  return undefined;
}

/** Every package in node_modules/.pnpm: `<name>@<version>[_peers]/node_modules/<name>/package.json`. */
export function npmPackages(root: string): Component[] {
  const store = join(root, "node_modules", ".pnpm");
  if (!existsSync(store)) throw new Error(`${store} does not exist: run scripts/toolchain.sh (pnpm install) first`);
  const out: Component[] = [];
  for (const entry of readdirSync(store)) {
    if (entry === "node_modules" || entry.startsWith(".") || !entry.includes("@")) continue;
    const modules = join(store, entry, "node_modules");
    if (!existsSync(modules)) continue;
    // The package itself is the one whose name the entry starts with (scoped: `@scope+name@...`).
    const name = entry.startsWith("@") ? entry.slice(0, entry.indexOf("@", 1)).replace("+", "/") : entry.slice(0, entry.indexOf("@"));
    const dir = join(modules, name);
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as PackageJson;
    out.push({ ecosystem: "npm", name: pkg.name ?? name, version: pkg.version ?? "?", licence: declaredLicence(pkg) ?? licenceFromFiles(dir), via: dir });
  }
  return out;
}

/**
 * Every package under `root`/node_modules, at any depth (an npm-installed tree such as the
 * toolchain's Artillery): each package.json with a name and version. Licence as declared; from
 * the licence files when the declaration points to them (`SEE LICENSE IN ...`) or is missing; a
 * package.json nested in a package of the same name (a build's `{"type": "module"}` marker)
 * takes that package's.
 */
export function npmTree(root: string, via: string): Component[] {
  const modules = join(root, "node_modules");
  if (!existsSync(modules)) throw new Error(`${modules} does not exist: run MP4T_TEST_TOOLS=1 bash scripts/toolchain.sh`);
  const out: Component[] = [];
  const walk = (dir: string, enclosing: Component | undefined) => {
    let here = enclosing;
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      let pkg: PackageJson = {};
      try {
        pkg = JSON.parse(readFileSync(file, "utf8")) as PackageJson;
      } catch {
        /* not JSON (a test fixture): no package */
      }
      if (pkg.name && pkg.version) {
        const declared = declaredLicence(pkg);
        const licence =
          (declared && !/^SEE LICEN[CS]E IN /i.test(declared) ? declared : undefined) ??
          licenceFromFiles(dir) ??
          (enclosing?.name === pkg.name ? enclosing.licence : declared);
        here = { ecosystem: "npm", name: pkg.name, version: pkg.version, licence, via: `${via} ${dir.slice(root.length + 1)}` };
        out.push(here);
      }
    }
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.isSymbolicLink()) walk(join(dir, entry.name), here);
    }
  };
  walk(modules, undefined);
  return out;
}

const LICENCE_FILE = /^(licen[cs]e|copying|unlicense)([.-].*)?$/i;

/** The licence stated by a directory's licence files (LICENSE, LICENSE.md, COPYING, LICENSE-MIT ...). */
export function licenceFromFiles(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir).filter((f) => LICENCE_FILE.test(f));
  return expressionOfTexts(files.map((f) => readFileSync(join(dir, f), "utf8")));
}

/** The tools scripts/toolchain.sh links into $TOOLS/bin from a Go build (`*_BIN` variables). */
export function goToolNames(toolchainScript: string): string[] {
  const text = readFileSync(toolchainScript, "utf8");
  return [...text.matchAll(/ln -sf "\$\w+_BIN" "\$TOOLS\/bin\/([\w.-]+)"/g)].map((m) => m[1]!);
}

export type GoModule = { path: string; version: string };

/** Main module and dependencies linked into a Go binary, replacements applied. */
export function goBinaryModules(binary: string): { main: GoModule; deps: GoModule[] } {
  const out = execFileSync("go", ["version", "-m", binary], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  let main: GoModule | undefined;
  const deps: GoModule[] = [];
  for (const line of out.split("\n")) {
    const [kind, path, version] = line.trim().split(/\s+/);
    if (kind === "mod") main = { path: path!, version: version! };
    else if (kind === "dep") deps.push({ path: path!, version: version! });
    else if (kind === "=>" && deps.length) deps[deps.length - 1] = { path: path!, version: version! };
  }
  if (!main) throw new Error(`${binary}: no Go build information (not a Go binary?)`);
  return { main, deps };
}

/** Module path or version as the module cache spells it: capitals become `!` + lower case. */
const escapeModule = (s: string) => s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

export const goModCache = () => execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();

/** The module's source in the module cache; fetched with `go mod download` if the cache lacks it. */
export function goModuleDir(modCache: string, m: GoModule): string {
  const dir = join(modCache, `${escapeModule(m.path)}@${escapeModule(m.version)}`);
  if (existsSync(dir) || m.version === "(devel)") return dir;
  const out = execFileSync("go", ["mod", "download", "-json", `${m.path}@${m.version}`], { encoding: "utf8", cwd: modCache, timeout: 120_000 });
  return (JSON.parse(out) as { Dir?: string }).Dir ?? dir;
}

/**
 * The Go modules of every tool: a main module built from a copy (go_build_main) reports version
 * `(devel)`; the toolchain names its directory `<tool>-<version>`, which gives the version back.
 */
export function goComponents(toolsDir: string, names: string[], modCache: string): Component[] {
  const out: Component[] = [];
  for (const name of names) {
    const link = join(toolsDir, "bin", name);
    if (!existsSync(link)) throw new Error(`${link} is missing: run MP4T_TEST_TOOLS=1 bash scripts/toolchain.sh`);
    const binary = realpathSync(link);
    const { main, deps } = goBinaryModules(binary);
    if (main.version === "(devel)") {
      const fromDir = /-(v\d[^/]*)\/[^/]+$/.exec(binary)?.[1];
      if (fromDir) main.version = fromDir;
    }
    for (const m of [main, ...deps]) {
      out.push({ ecosystem: "go", name: m.path, version: m.version, licence: licenceFromFiles(goModuleDir(modCache, m)), via: name });
    }
  }
  return out;
}
