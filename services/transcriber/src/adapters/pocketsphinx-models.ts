import { readdir } from "node:fs/promises";
import { join } from "node:path";

/** One installed PocketSphinx model: the language it recognises and its three files. */
export type PocketsphinxModel = { language: string; hmm?: string | undefined; lm?: string | undefined; dict?: string | undefined };

const LANGUAGE_TAG = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;

async function entries(dir: string) {
  return readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT" || err.code === "ENOTDIR") return [];
    throw err;
  });
}

/**
 * The models installed under `root`, laid out as Debian's pocketsphinx-en-us lays out
 * `/usr/share/pocketsphinx/model`: a directory per language tag (`en-us/`) holding the acoustic
 * model (a directory with `mdef`), the language model `<tag>.lm.bin` (or `.lm`, `.lm.dmp`) and a
 * pronunciation dictionary (`*.dict` / `*.dic`). Only complete models count, so the languages the
 * engine advertises are the ones it can actually run.
 */
export async function findPocketsphinxModels(root: string): Promise<PocketsphinxModel[]> {
  const models: PocketsphinxModel[] = [];
  for (const dir of (await entries(root)).filter((e) => e.isDirectory() && LANGUAGE_TAG.test(e.name))) {
    const tag = dir.name.toLowerCase();
    const base = join(root, dir.name);
    const inside = await entries(base);
    let hmm: string | undefined;
    for (const sub of inside.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      if ((await entries(join(base, sub.name))).some((f) => f.isFile() && f.name === "mdef")) {
        hmm = join(base, sub.name);
        break;
      }
    }
    const files = inside.filter((e) => e.isFile()).map((e) => e.name);
    const lm = files.find((f) => new RegExp(`^${tag}\\.lm(\\.bin|\\.dmp)?$`, "i").test(f));
    const dicts = files.filter((f) => /\.dict?$/i.test(f));
    const dict = dicts.find((f) => f.toLowerCase().includes(tag)) ?? dicts[0];
    if (hmm && lm && dict) models.push({ language: tag, hmm, lm: join(base, lm), dict: join(base, dict) });
  }
  return models.sort((a, b) => a.language.localeCompare(b.language));
}
