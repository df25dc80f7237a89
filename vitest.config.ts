import { defineConfig } from "vitest/config";
import SlowFirstSequencer from "./tests/slow-first.sequencer.ts";

/**
 * Two groups, one after the other. `parts` (unit tests and the integration tests of one package or
 * service, the messaging and lane tests: a nats-server or cluster, an S3 or MongoDB-wire server at
 * most) runs two files at once; `system` (the whole system as processes, Chromium, chaos, load,
 * deploy artefacts) then runs one file at a time: those files are CPU-heavy and two at once made start-ups time out on a 2-core machine.
 * Every file uses its own free ports and temporary directories. MP4T_TEST_WORKERS sets both counts.
 */
const workers = Number(process.env.MP4T_TEST_WORKERS) > 0 ? Number(process.env.MP4T_TEST_WORKERS) : undefined;
/** Whole-system and multi-process files; tests/messaging and tests/lanes (one nats-server or cluster) are parts. */
const SYSTEM = `tests/{bad-input,chaos,client,deploy,e2e,load,observability,security,webapp}/**/*.int.test.ts`;

const shared = {
  // Integration tests start real servers (nats-server, ffmpeg, pocketsphinx); give them room.
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: "forks" as const,
};
// In each group the longest files first, so with several workers the run does not end with one of them alone.

export default defineConfig({
  test: {
    reporters: ["default"],
    projects: [
      {
        test: {
          ...shared,
          name: "parts",
          include: ["**/*.test.ts"],
          exclude: ["**/node_modules/**", "data/**", SYSTEM],
          maxWorkers: workers ?? 2,
          sequence: { groupOrder: 0, sequencer: SlowFirstSequencer },
        },
      },
      {
        test: {
          ...shared,
          name: "system",
          include: [SYSTEM],
          exclude: ["**/node_modules/**", "data/**"],
          maxWorkers: workers ?? 1,
          sequence: { groupOrder: 1, sequencer: SlowFirstSequencer },
        },
      },
    ],
  },
});
