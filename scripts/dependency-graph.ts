/**
 * The module graph from dependency-cruiser (rules from .dependency-cruiser.cjs) and the package
 * graph made from it: each module collapsed to its package (contracts, packages/<x>, services/<x>)
 * or area (tests, bench, scripts). Used by scripts/boundaries.ts and scripts/code-report.ts.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const REPO = join(import.meta.dirname, "..");
export const ROOTS = ["contracts", "packages", "services", "tests", "bench", "scripts"];
const PACKAGE = /^(contracts|packages\/[^/]+|services\/[^/]+|tests|bench|scripts)\//;
const TEST = /(^|\/)(test|testing)\/|\.test\.ts$/;

type Dependency = { resolved: string; coreModule: boolean; couldNotResolve: boolean };
type Module = { source: string; dependencies: Dependency[] };
export type Violation = { rule: string; from: string; to: string };
export type Cruise = { modules: Module[]; violations: Violation[]; rules: string[] };

/** Runs dependency-cruiser over those of `roots` (relative to `cwd`) that exist, with the repository's rules. */
export function cruise(cwd = REPO, roots = ROOTS, env: NodeJS.ProcessEnv = process.env): Cruise {
  const bin = join(REPO, "node_modules", ".bin", "depcruise");
  const config = join(REPO, ".dependency-cruiser.cjs");
  const out = execFileSync(bin, ["--config", config, "--output-type", "json", "--no-progress", ...roots.filter((r) => existsSync(join(cwd, r)))], {
    cwd,
    env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
  const json = JSON.parse(out) as {
    modules: Module[];
    summary: { violations: { rule: { name: string }; from: string; to: string }[]; ruleSetUsed: { forbidden?: { name: string }[] } };
  };
  return {
    modules: json.modules,
    violations: json.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to })),
    rules: (json.summary.ruleSetUsed.forbidden ?? []).map((r) => r.name),
  };
}

export const packageOf = (path: string): string | undefined => PACKAGE.exec(path)?.[1];
export const isTestFile = (path: string): boolean => TEST.test(path);

/** package -> the packages it imports, with the number of import statements; test files left out unless asked. */
export function packageGraph(modules: Module[], withTests: boolean): Map<string, Map<string, number>> {
  const graph = new Map<string, Map<string, number>>();
  for (const m of modules) {
    const from = packageOf(m.source);
    if (!from || (!withTests && isTestFile(m.source))) continue;
    const edges = graph.get(from) ?? new Map<string, number>();
    graph.set(from, edges);
    for (const d of m.dependencies) {
      const to = d.coreModule || d.couldNotResolve ? undefined : packageOf(d.resolved);
      if (to && to !== from) edges.set(to, (edges.get(to) ?? 0) + 1);
    }
  }
  return graph;
}

/** Every elementary cycle through the graph's strongly connected parts, as `a -> b -> a`. */
export function packageCycles(graph: Map<string, Map<string, number>>, only: (pkg: string) => boolean): string[] {
  const cycles = new Set<string>();
  const walk = (start: string, at: string, path: string[]) => {
    for (const next of graph.get(at)?.keys() ?? []) {
      if (!only(next)) continue;
      if (next === start) cycles.add([...path, start].join(" -> "));
      else if (!path.includes(next) && next > start) walk(start, next, [...path, next]);
    }
  };
  for (const start of [...graph.keys()].filter(only).sort()) walk(start, start, [start]);
  return [...cycles];
}

/** Rule violations plus package cycles, for the package-cycle rules the config has switched on. */
export function boundaryProblems(c: Cruise): Violation[] {
  const isPackage = (p: string) => p === "contracts" || p.startsWith("packages/") || p.startsWith("services/");
  const problems = [...c.violations];
  for (const [rule, withTests] of [
    ["no-package-cycles", false],
    ["no-package-cycles-with-tests", true],
  ] as const) {
    if (!c.rules.includes(rule)) continue;
    for (const cycle of packageCycles(packageGraph(c.modules, withTests), isPackage)) problems.push({ rule, from: cycle, to: "" });
  }
  return problems;
}
