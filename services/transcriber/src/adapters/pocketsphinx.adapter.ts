import { spawn } from "node:child_process";
import { RetryableError } from "@mp4t/platform";
import type { TranscriptionEngine } from "../ports.ts";
import { parsePocketsphinxOutput } from "./pocketsphinx-output.parser.ts";

export type PocketsphinxOptions = {
  bin: string;
  /** Acoustic model directory, language model and dictionary; the package defaults if unset. */
  hmm?: string | undefined;
  lm?: string | undefined;
  dict?: string | undefined;
};

/**
 * CMU PocketSphinx (Debian's 0.8 `pocketsphinx_continuous`) with the US English model: offline,
 * word times, English only. It reads 16 kHz mono 16-bit WAVs with a canonical 44-byte header,
 * and only from a path ending in `.wav`.
 */
export function createPocketsphinxEngine(opts: PocketsphinxOptions): TranscriptionEngine {
  const modelArgs = [
    ...(opts.hmm ? ["-hmm", opts.hmm] : []),
    ...(opts.lm ? ["-lm", opts.lm] : []),
    ...(opts.dict ? ["-dict", opts.dict] : []),
  ];
  return {
    name: "pocketsphinx",
    supportsLanguage: (lang) => lang === "en" || lang.startsWith("en-"),
    async transcribe(wavPath, { signal }) {
      const args = ["-infile", wavPath, "-time", "yes", "-logfn", "/dev/null", ...modelArgs];
      const child = spawn(opts.bin, args, { stdio: ["ignore", "pipe", "pipe"], signal, killSignal: "SIGKILL" });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
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
    },
  };
}
