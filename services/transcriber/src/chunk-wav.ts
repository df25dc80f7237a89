import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChunkWav } from "./ports.ts";

/**
 * A chunk held in memory. Its file (in a private scratch directory; pocketsphinx only parses the
 * header of a `.wav` path) is written the first time an engine asks for a path, and removed by
 * `dispose`: HTTP engines send the bytes, so for them no file is written and read back.
 */
export function chunkWav(bytes: Uint8Array): ChunkWav & { dispose(): Promise<void> } {
  let dir: string | undefined;
  let file: Promise<string> | undefined;
  return {
    bytes,
    path() {
      file ??= (async () => {
        dir = await mkdtemp(join(tmpdir(), "mp4t-"));
        const at = join(dir, "chunk.wav");
        await writeFile(at, bytes);
        return at;
      })();
      return file;
    },
    async dispose() {
      await file?.catch(() => undefined);
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A WAV file as an engine's input (tests, tools): read once, its path as it is. */
export async function chunkWavFile(path: string): Promise<ChunkWav> {
  return { bytes: await readFile(path), path: async () => path };
}
