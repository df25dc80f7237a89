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
    // One file at a time on 2 cores (vitest's default, cores - 1): whole-system files are CPU-heavy
    // and two at once made start-ups time out on a 2-core machine. MP4T_TEST_WORKERS=2 runs two.
    ...(Number(process.env.MP4T_TEST_WORKERS) > 0 ? { maxWorkers: Number(process.env.MP4T_TEST_WORKERS) } : {}),
    // The longest files first, so the run does not end with one of them alone.
    sequence: { sequencer: SlowFirstSequencer },
    reporters: ["default"],
  },
});
