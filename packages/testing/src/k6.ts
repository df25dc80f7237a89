import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { toolBin } from "@mp4t/platform";

/**
 * The k6 that scripts/toolchain.sh built for the tests (MP4T_TEST_TOOLS=1), else the one on PATH.
 * K6_BIN overrides. k6 is a separate load-testing tool; it only ever talks HTTP to our gateway.
 */
export const k6Bin = (env: NodeJS.ProcessEnv = process.env) => toolBin("k6", "K6_BIN", env);

/** One metric of k6's `--summary-export` document (counters, rates, trends, checks). */
export type K6Metric = {
  count?: number;
  rate?: number;
  value?: number;
  passes?: number;
  fails?: number;
  avg?: number;
  min?: number;
  med?: number;
  max?: number;
  "p(90)"?: number;
  "p(95)"?: number;
  /** Threshold expression -> true when it FAILED (k6's summary-export convention). */
  thresholds?: Record<string, boolean>;
};

export type K6Summary = { metrics: Record<string, K6Metric> };

export type K6Result = {
  /** 0: every threshold held; 99: a threshold failed; other codes: k6 itself failed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Undefined when k6 did not get far enough to write it. */
  summary: K6Summary | undefined;
};

export type RunK6Options = {
  /** Passed as `-e KEY=VALUE`: the script reads them from `__ENV`. */
  env?: Record<string, string>;
  /** Where k6 writes its end-of-test summary (JSON). */
  summaryPath: string;
  /** Extra `k6 run` flags. */
  args?: string[];
  /** k6 is interrupted (SIGINT, then SIGKILL) after this long. */
  timeoutMs?: number;
};

/** Runs `k6 run` on a script and returns its exit code, output and parsed summary. */
export async function runK6(script: string, opts: RunK6Options): Promise<K6Result> {
  const bin = k6Bin();
  const vars = Object.entries(opts.env ?? {}).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  // No system environment in __ENV: what the script sees is exactly `opts.env`.
  const args = ["run", "--quiet", "--no-color", "--include-system-env-vars=false", "--summary-export", opts.summaryPath, ...vars, ...(opts.args ?? []), script];
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => void (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => void (stderr += d.toString()));
  const timeout = setTimeout(() => {
    child.kill("SIGINT");
    setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
  }, opts.timeoutMs ?? 600_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", (err: NodeJS.ErrnoException) =>
        reject(err.code === "ENOENT"
          ? new Error(`k6 not found (${bin}): install the test tools with \`MP4T_TEST_TOOLS=1 bash scripts/toolchain.sh\` or set K6_BIN`)
          : err));
      child.once("close", (c) => resolve(c));
    });
    const summary = await readFile(opts.summaryPath, "utf8").then((t) => JSON.parse(t) as K6Summary, () => undefined);
    return { code, stdout, stderr, summary };
  } finally {
    clearTimeout(timeout);
  }
}
