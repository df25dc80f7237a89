/**
 * A report on the code's shape: the package graph (dependency-cruiser's module graph collapsed to
 * packages; test-only edges apart), each package's public API size (names exported by the files its
 * package.json exports, and how many of them other packages import) and the largest source files.
 *   node scripts/code-report.ts [--dot]   (--dot: the package graph for Graphviz instead)
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";
import { cruise, isTestFile, packageGraph, REPO } from "./dependency-graph.ts";

const LARGEST = 15;

/** Names a module exports, following `export * from` into the workspace's own files. */
function exportedNames(file: string, seen = new Set<string>()): { values: Set<string>; types: Set<string> } {
  const out = { values: new Set<string>(), types: new Set<string>() };
  if (seen.has(file) || !existsSync(file)) return out;
  seen.add(file);
  const src = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const add = (name: string, type: boolean) => (type ? out.types : out.values).add(name);
  const exported = (n: ts.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const st of src.statements) {
    if (ts.isExportDeclaration(st)) {
      if (st.exportClause && ts.isNamedExports(st.exportClause)) {
        for (const el of st.exportClause.elements) add(el.name.text, st.isTypeOnly || el.isTypeOnly);
      } else if (st.exportClause) add(st.exportClause.name.text, st.isTypeOnly);
      else if (st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) && st.moduleSpecifier.text.startsWith(".")) {
        const inner = exportedNames(resolve(dirname(file), st.moduleSpecifier.text), seen);
        for (const v of inner.values) out.values.add(v);
        for (const t of inner.types) out.types.add(t);
      }
    } else if (exported(st)) {
      const type = ts.isTypeAliasDeclaration(st) || ts.isInterfaceDeclaration(st);
      if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) add(d.name.getText(src), false);
      else if ("name" in st && st.name && ts.isIdentifier(st.name as ts.Node)) add((st.name as ts.Identifier).text, type);
    }
  }
  return out;
}

/** Names imported from a package (by name, or by a relative path to one of its entries) by files outside it. */
function importedFromOutside(files: string[], pkgName: string, pkgDir: string, entries: string[]): Set<string> {
  const entryFiles = new Set(entries.map((e) => join(REPO, pkgDir, e)));
  const fromPackage = (file: string, spec: string) =>
    spec === pkgName || spec.startsWith(`${pkgName}/`) || (spec.startsWith(".") && entryFiles.has(resolve(REPO, dirname(file), spec)));
  const used = new Set<string>();
  for (const file of files) {
    if (file.startsWith(`${pkgDir}/`)) continue;
    const text = readFileSync(join(REPO, file), "utf8");
    if (!text.includes(pkgName) && !text.includes(`${pkgDir}/`)) continue;
    const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
    for (const st of src.statements) {
      if (!ts.isImportDeclaration(st) && !ts.isExportDeclaration(st)) continue;
      const spec = st.moduleSpecifier;
      if (!spec || !ts.isStringLiteral(spec) || !fromPackage(file, spec.text)) continue;
      const named = ts.isImportDeclaration(st) ? st.importClause?.namedBindings : st.exportClause;
      if (named && (ts.isNamedImports(named) || ts.isNamedExports(named))) for (const el of named.elements) used.add((el.propertyName ?? el.name).text);
    }
  }
  return used;
}

function packageDirs(): string[] {
  const dirs = ["contracts"];
  for (const parent of ["packages", "services"]) for (const d of readdirSync(join(REPO, parent)).sort()) dirs.push(`${parent}/${d}`);
  return dirs.filter((d) => existsSync(join(REPO, d, "package.json")));
}

const files = execFileSync("git", ["ls-files", "*.ts", "*.js", "*.mjs", "*.cjs"], { cwd: REPO, encoding: "utf8" })
  .split("\n")
  .filter((f) => f && !f.startsWith("tests/boundaries/fixtures/") && existsSync(join(REPO, f)));
const c = cruise();

if (process.argv.includes("--dot")) {
  const lines = ["digraph packages {", "  rankdir=LR; node [shape=box];"];
  const prod = packageGraph(c.modules, false);
  for (const [from, edges] of packageGraph(c.modules, true)) {
    for (const [to, n] of edges) lines.push(`  "${from}" -> "${to}" [label=${n}${prod.get(from)?.has(to) ? "" : ", style=dashed"}];`);
  }
  process.stdout.write(`${[...lines, "}"].join("\n")}\n`);
} else {
  const out: string[] = ["## Package graph (module-to-module imports; [tests] n = only test code imports it, n times)", ""];
  const prod = packageGraph(c.modules, false);
  const all = packageGraph(c.modules, true);
  for (const from of [...all.keys()].sort()) {
    const edges = [...(all.get(from) ?? [])].sort(([a], [b]) => a.localeCompare(b));
    const shown = edges.map(([to, n]) => `${to} (${prod.get(from)?.get(to) ?? 0}${prod.get(from)?.has(to) ? "" : ` [tests] ${n}`})`);
    out.push(`${from.padEnd(22)} -> ${shown.join(", ") || "(nothing)"}`);
  }
  out.push("", "## Public API (names exported by each package.json entry; used = imported from outside the package)", "");
  out.push(`${"package".padEnd(22)} ${"values".padStart(6)} ${"types".padStart(6)} ${"total".padStart(6)} ${"used".padStart(6)}  entries`);
  for (const dir of packageDirs()) {
    const pkg = JSON.parse(readFileSync(join(REPO, dir, "package.json"), "utf8")) as { name: string; exports?: Record<string, string> };
    const entries = Object.values(pkg.exports ?? {}).filter((e) => typeof e === "string");
    const values = new Set<string>();
    const types = new Set<string>();
    for (const e of entries) {
      const names = exportedNames(join(REPO, dir, e));
      for (const v of names.values) values.add(v);
      for (const t of names.types) types.add(t);
    }
    const used = importedFromOutside(files, pkg.name, dir, entries);
    const usedCount = [...values, ...types].filter((n) => used.has(n)).length;
    const total = values.size + types.size;
    out.push(
      `${dir.padEnd(22)} ${String(values.size).padStart(6)} ${String(types.size).padStart(6)} ${String(total).padStart(6)} ${String(usedCount).padStart(6)}  ${entries.map((e) => (existsSync(join(REPO, dir, e)) ? e : `${e} (missing)`)).join(" ")}`,
    );
  }
  out.push("", `## ${LARGEST} largest source files (lines)`, "");
  const sizes = files.map((f) => ({ f, lines: readFileSync(join(REPO, f), "utf8").split("\n").length - 1 }));
  for (const { f, lines } of sizes.sort((a, b) => b.lines - a.lines).slice(0, LARGEST)) {
    out.push(`${String(lines).padStart(6)}  ${f}${isTestFile(f) ? "  (test)" : ""}`);
  }
  const over = sizes.filter((s) => s.lines > 300);
  out.push("", `${over.length} of ${files.length} files over 300 lines`);
  process.stdout.write(`${out.join("\n")}\n`);
}
