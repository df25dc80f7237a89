/**
 * Merge aid for branches written against the old @mp4t/platform: rewrites its imports to
 * @mp4t/runtime, @mp4t/messaging and @mp4t/messaging/internal by reading those entry points, and
 * lists names none of them exports (renamed ports: fix by hand). Delete once no branch needs it.
 *   node scripts/platform-imports.ts [files...]   (default: every tracked .ts file)
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const ENTRY_POINTS = {
  "@mp4t/runtime": "packages/runtime/src/index.ts",
  "@mp4t/messaging": "packages/messaging/src/index.ts",
  "@mp4t/messaging/internal": "packages/messaging/src/internal.ts",
} as const;
type Entry = keyof typeof ENTRY_POINTS;

const owner = new Map<string, Entry>();
for (const [entry, path] of Object.entries(ENTRY_POINTS) as [Entry, string][]) {
  for (const m of readFileSync(join(ROOT, path), "utf8").matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const n of m[1]!.split(",").map((s) => s.trim()).filter(Boolean)) owner.set(n.split(" as ").at(-1)!.trim(), entry);
  }
}

const IMPORT = /import (type )?\{([^}]*)\} from "@mp4t\/platform(?:\/toolchain)?";/g;
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : execFileSync("git", ["ls-files", "*.ts"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
const unknown: string[] = [];

for (const file of files) {
  const path = resolve(ROOT, file);
  const text = readFileSync(path, "utf8");
  if (!text.includes("@mp4t/platform")) continue;
  const out = text.replace(IMPORT, (_all, typeOnly: string | undefined, list: string) => {
    const by = new Map<Entry, string[]>();
    for (const item of list.split(",").map((s) => s.trim()).filter(Boolean)) {
      const name = item.replace(/^type /, "").split(" as ")[0]!.trim();
      const entry = owner.get(name);
      if (!entry) unknown.push(`${file}: ${name}`);
      by.set(entry ?? "@mp4t/runtime", [...(by.get(entry ?? "@mp4t/runtime") ?? []), item]);
    }
    return [...by].map(([entry, items]) => `import ${typeOnly ?? ""}{ ${items.join(", ")} } from "${entry}";`).join("\n");
  }).replaceAll("packages/runtime/src/index.ts", "packages/runtime/src/index.ts");
  if (out !== text) writeFileSync(path, out);
}
if (unknown.length) {
  console.log(`not exported by runtime or messaging (renamed to ports, see docs/architecture.md "Packages"):\n  ${unknown.join("\n  ")}`);
  process.exitCode = 1;
}
