import { chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { languageServed } from "@mp4t/contracts";
import { DEFAULT_MEDIA_IDENTITY, mediaSpawnOptions, relaySpawn, type MediaIdentity } from "@mp4t/runtime";
import { PermanentError, RetryableError } from "@mp4t/contracts";
import type { ChunkWav, TranscriptionEngine } from "../ports.ts";
import { parsePocketsphinxOutput } from "./pocketsphinx-output.parser.ts";
import type { PocketsphinxModel } from "./pocketsphinx-models.ts";

const modelArgs = (m: PocketsphinxModel) => [...(m.hmm ? ["-hmm", m.hmm] : []), ...(m.lm ? ["-lm", m.lm] : []), ...(m.dict ? ["-dict", m.dict] : [])];

export type PocketsphinxOptions = {
  bin: string;
  /** The installed models (`findPocketsphinxModels`); when absent, one US English model from `hmm`, `lm`, `dict`. */
  models?: PocketsphinxModel[] | undefined;
  /** Acoustic model directory, language model and dictionary; the package defaults if unset. */
  hmm?: string | undefined;
  lm?: string | undefined;
  dict?: string | undefined;
  /** Who the recogniser runs as when the service is root (mediaSpawnOptions); `nobody` if unset. */
  runAs?: MediaIdentity | undefined;
};

/**
 * The recogniser opens its input by path, and only a path ending in `.wav` (the chunk's file,
 * written on demand). When it runs as
 * another user it gets its own copy of the chunk (a minute of audio, about 2 MB) in a directory
 * that user owns, as its working directory and by a relative path: the child enters it while
 * still root (the spawn relay changes directory before it changes user), so no directory above it, our
 * 0700 scratch or TMPDIR, needs to be open to that user.
 */
async function inputFor(wav: ChunkWav, spawnOpts: ReturnType<typeof mediaSpawnOptions>) {
  const { uid, gid } = spawnOpts;
  if (uid === undefined || gid === undefined) return { path: await wav.path(), spawnOpts, dispose: async () => undefined };
  const dir = await mkdtemp(join(tmpdir(), "mp4t-ps-"));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const name = "chunk.wav";
    await writeFile(join(dir, name), wav.bytes);
    await chown(join(dir, name), uid, gid);
    await chown(dir, uid, gid);
    return { path: name, spawnOpts: { ...spawnOpts, cwd: dir }, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/**
 * CMU PocketSphinx (Debian's 0.8 `pocketsphinx_continuous`) with the installed models (Debian's
 * package has US English): offline, word times, each job run with its language's model. It reads 16 kHz mono 16-bit WAVs with a canonical 44-byte header,
 * and only from a path ending in `.wav`.
 */
export function createPocketsphinxEngine(opts: PocketsphinxOptions): TranscriptionEngine {
  const models = opts.models ?? [{ language: "en-us", hmm: opts.hmm, lm: opts.lm, dict: opts.dict }];
  const languages = models.map((m) => m.language);
  const modelFor = (lang: string) => models.find((m) => m.language === lang.toLowerCase()) ?? models.find((m) => languageServed(lang, [m.language]));
  return {
    name: "pocketsphinx",
    capability: { languages, wordTimestamps: true, speakers: false },
    supportsLanguage: (lang) => modelFor(lang) !== undefined,
    async transcribe(wav, { language, signal }) {
      const model = modelFor(language);
      if (!model) throw new PermanentError("LANGUAGE_UNSUPPORTED", `no pocketsphinx model for "${language}" is installed`);
      const input = await inputFor(wav, mediaSpawnOptions(opts.runAs ?? DEFAULT_MEDIA_IDENTITY));
      try {
        return await recognise(input.path, input.spawnOpts, modelArgs(model), signal);
      } finally {
        await input.dispose();
      }
    },
  };

  async function recognise(wavPath: string, spawnOpts: ReturnType<typeof mediaSpawnOptions>, modelArgs: string[], signal: AbortSignal) {
    const args = ["-infile", wavPath, "-time", "yes", "-logfn", "/dev/null", ...modelArgs];
    // Started by the spawn relay (@mp4t/runtime), not forked from this process: one run per chunk.
    const child = relaySpawn([opts.bin, ...args], { ...spawnOpts, signal });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-2000)));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", resolve);
    });
    if (code !== 0) {
      const detail = stderr.trim().split("\n").at(-1) || "no detail (its log goes to /dev/null)";
      throw new RetryableError("ENGINE_FAILED", `pocketsphinx exited with ${code ?? "a signal"}: ${detail}`);
    }
    return parsePocketsphinxOutput(stdout);
  }
}
