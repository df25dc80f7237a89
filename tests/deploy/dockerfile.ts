/**
 * Just enough of a Dockerfile and .dockerignore reader for tests/deploy/dockerfile.test.ts: no
 * container engine runs where this is written, so the image's properties are read from the text.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export type Instruction = { op: string; args: string; line: number };
export type Stage = { name: string; from: string; instructions: Instruction[] };

/** Stages in order, each with its instructions (continuation lines joined, comments dropped). */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith("\\") && i + 1 < lines.length) line = line.slice(0, -1) + " " + lines[++i]!.trim();
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`line ${start + 1}: cannot read "${line}"`);
    const op = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (op === "FROM") {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args) ?? [];
      stages.push({ name: name ?? String(stages.length), from: from!, instructions: [] });
    } else if (stages.length) {
      stages[stages.length - 1]!.instructions.push({ op, args, line: start + 1 });
    }
  }
  return stages;
}

/** .dockerignore as BuildKit applies it: the last pattern matching the path or a parent directory wins; `!` re-includes. */
export function dockerIgnore(text: string): (path: string) => boolean {
  const rules = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, "");
      const re = pattern
        .split("/")
        .map((part) =>
          part === "**"
            ? "(?:.*)"
            : part
                .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                .replace(/\*/g, "[^/]*")
                .replace(/\?/g, "[^/]"),
        )
        .join("/");
      return { negate, re: new RegExp(`^${re.replace(/\(\?:\.\*\)\//g, "(?:.*/)?")}$`) };
    });
  return (path) => {
    const parts = path.split("/");
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
    let excluded = false;
    for (const r of rules) if (prefixes.some((p) => r.re.test(p))) excluded = !r.negate;
    return excluded;
  };
}

/** Workspace members from pnpm-workspace.yaml (`dir` or `dir/*` entries). */
export function workspaceDirs(root: string, list: (dir: string) => string[]): string[] {
  const yaml = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  return [...yaml.matchAll(/^\s*-\s*["']?([^"'\s]+)["']?\s*$/gm)].flatMap((m) => {
    const entry = m[1]!;
    return entry.endsWith("/*") ? list(entry.slice(0, -2)).map((d) => `${entry.slice(0, -2)}/${d}`) : [entry];
  });
}
