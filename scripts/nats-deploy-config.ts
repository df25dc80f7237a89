/**
 * Writes deploy/nats/nats.conf and deploy/nats/nats-cluster.conf (and the Kubernetes base's copy) from the permission table
 * (packages/messaging nats-permissions.ts). Run after changing the table:
 *   node scripts/nats-deploy-config.ts          (rewrite)
 *   node scripts/nats-deploy-config.ts --check  (exit 1 when the committed files are stale)
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { deployNatsConfigs } from "@mp4t/messaging/internal";
import { ROOT } from "./launcher.ts";

const dir = join(ROOT, "deploy", "nats");
const check = process.argv.includes("--check");
let stale = 0;
mkdirSync(dir, { recursive: true });
// Kustomize reads only files under its own directory: the Kubernetes base keeps a copy of the cluster config.
const files = Object.entries(deployNatsConfigs()).map(([name, text]) => [join(dir, name), text] as const);
files.push([join(ROOT, "deploy", "kubernetes", "base", "nats-cluster.conf"), deployNatsConfigs()["nats-cluster.conf"]]);
for (const [path, text] of files) {
  const same = existsSync(path) && readFileSync(path, "utf8") === text;
  if (check) {
    if (!same) process.stderr.write(`${path} is stale: run node scripts/nats-deploy-config.ts\n`), stale++;
  } else if (!same) {
    writeFileSync(path, text);
    process.stderr.write(`wrote ${path}\n`);
  }
}
process.exit(stale ? 1 : 0);
