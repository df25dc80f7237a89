import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import SlowFirstSequencer from "./tests/slow-first.sequencer.ts";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "data/**"],
    // Integration tests start real servers (nats-server, ffmpeg, pocketsphinx); give them room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // At least two files at a time, also on 2 cores (where vitest's default, cores - 1, runs one file at
    // a time): most files spend their time waiting on child processes and servers, so two at once keep
    // both cores busy. Every file uses its own free ports and temporary directories.
    // MP4T_TEST_WORKERS overrides.
    maxWorkers: Number(process.env.MP4T_TEST_WORKERS) || Math.max(2, availableParallelism() - 1),
    // The longest files first, so the run does not end with one of them alone.
    sequence: { sequencer: SlowFirstSequencer },
    reporters: ["default"],
  },
});
