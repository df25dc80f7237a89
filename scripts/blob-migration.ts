/**
 * Moves every blob from the store `npm start` used before to the one it uses now, when the
 * embedded default changes between the NATS Object Store and the directory under DATA_DIR (an
 * installation from before the directory existed, or NATS opened to other machines later, or
 * closed again). Run by scripts/prepare.ts once nats-server accepts the admin, before any service
 * starts: nothing reads or writes blobs meanwhile. Copies first and deletes the old copies only
 * when all arrived, so an interrupted move is simply done again at the next start.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { BlobStore } from "@mp4t/stores";

/** What `npm start` gives its services (and records in DATA_DIR/local-blobs.json). */
export type BlobChoice = { BLOB_STORE: string; BLOB_DIR?: string };

/** The blob store `npm start` gave its services at its last start: for replicas added on this machine, and to move the blobs when it changes. */
const recordFile = (dataDir: string) => join(dataDir, "local-blobs.json");

/**
 * The recorded choice, or null when there is none or it is not one: only BLOB_STORE (`nats`,
 * `s3` or `file`) and an absolute BLOB_DIR are taken from the file, never any other variable.
 */
export function readBlobChoice(dataDir: string): BlobChoice | null {
  if (!existsSync(recordFile(dataDir))) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(recordFile(dataDir), "utf8"));
  } catch {
    return null;
  }
  const { BLOB_STORE, BLOB_DIR } = (raw ?? {}) as Record<string, unknown>;
  if (BLOB_STORE !== "nats" && BLOB_STORE !== "s3" && BLOB_STORE !== "file") return null;
  if (BLOB_STORE !== "file") return { BLOB_STORE };
  return typeof BLOB_DIR === "string" && isAbsolute(BLOB_DIR) ? { BLOB_STORE, BLOB_DIR } : null;
}

export function recordBlobChoice(dataDir: string, choice: BlobChoice): void {
  writeFileSync(recordFile(dataDir), `${JSON.stringify(choice)}\n`, { mode: 0o600 });
}

export async function migrateBlobs(o: {
  url: string;
  admin: { user: string; pass: string; caFile?: string | undefined };
  from: BlobChoice;
  to: BlobChoice;
  log: (line: string) => void;
}): Promise<number> {
  const { connect } = await import("@nats-io/transport-node");
  const { inboxPrefix, parseNatsServers } = await import("@mp4t/messaging/internal");
  const { createFileBlobStore, createNatsObjectBlobStore } = await import("@mp4t/stores");
  const { servers, tls } = parseNatsServers(o.url);
  const nc = await connect({
    servers,
    user: o.admin.user,
    pass: o.admin.pass,
    inboxPrefix: inboxPrefix("admin"),
    timeout: 10_000,
    ...(tls ? { tls: o.admin.caFile ? { caFile: o.admin.caFile } : {} } : {}),
  });
  try {
    const open = (c: BlobChoice): Promise<BlobStore> => (c.BLOB_STORE === "file" ? createFileBlobStore({ dir: c.BLOB_DIR! }) : createNatsObjectBlobStore(nc));
    const [from, to] = [await open(o.from), await open(o.to)];
    const blobs = await from.list("");
    if (blobs.length === 0) return 0;
    o.log(`moving ${blobs.length} blobs from ${describe(o.from)} to ${describe(o.to)}`);
    for (const b of blobs) {
      const body = await from.get(b.key);
      if (!body) continue; // deleted meanwhile: nothing to move
      const stored = await to.put(b.key, body);
      if (stored.size !== b.size) throw new Error(`blob ${b.key}: ${stored.size} bytes arrived of ${b.size}`);
    }
    await from.deleteMany(blobs.map((b) => b.key));
    return blobs.length;
  } finally {
    await nc.close();
  }
}

const describe = (c: BlobChoice) => (c.BLOB_STORE === "file" ? c.BLOB_DIR! : `BLOB_STORE=${c.BLOB_STORE}`);
