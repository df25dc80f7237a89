import { defineConfig } from "vitest/config";
import SlowFirstSequencer from "./tests/slow-first.sequencer.ts";

/**
 * Two groups, one after the other. The first runs two files at once: `unit` (self-contained: no
 * NATS, store or system; workers not isolated per file) and `paired` (the integration tests of one
 * package or service, the messaging and lane tests, and the whole-system files: `npm start` in its
 * default layout is two Node processes and nats-server, light enough to run beside another file).
 * `alone` then runs the two files that load both cores by themselves (the chaos run over a 3-node
 * cluster and the load tests) one at a time. Every file uses its own free ports and temporary
 * directories. MP4T_TEST_WORKERS sets the first group's count.
 */
const workers = Number(process.env.MP4T_TEST_WORKERS) > 0 ? Number(process.env.MP4T_TEST_WORKERS) : undefined;
const ALONE = ["tests/chaos/chaos.int.test.ts", "tests/load/load.int.test.ts"];
/** Unit tests that start OpenTelemetry's global providers: each needs a process of its own. */
const OWN_PROCESS = ["packages/runtime/src/telemetry.test.ts", "packages/messaging/src/trace-context.test.ts"];

const shared = {
  // Integration tests start real servers (nats-server, ffmpeg, pocketsphinx); give them room.
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: "forks" as const,
  // The media tools at the services' own CPU priority (MEDIA_NICE is 10 by default): with two test
  // files at once, a niced pocketsphinx beside another file's busy processes got a tenth of a core
  // and ran into the timeouts above. The nice value itself is tested in spawn-relay.int.test.ts
  // and toolchain.test.ts.
  env: { MEDIA_NICE: "0" },
};
// In each group the longest files first, so with two workers the run does not end with one of them alone.

export default defineConfig({
  test: {
    reporters: ["default"],
    // Vitest reads the sequencer from the root config only (a project's own is ignored).
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      {
        // Unit tests (no NATS, store or system) share their workers' module cache: a fresh
        // process per file spent more on start-up and imports than on the tests (70 s against 39 s).
        test: {
          ...shared,
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: ["**/node_modules/**", "data/**", "**/*.int.test.ts", ...OWN_PROCESS],
          isolate: false,
          maxWorkers: workers ?? 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...shared,
          name: "paired",
          include: ["**/*.int.test.ts", ...OWN_PROCESS],
          exclude: ["**/node_modules/**", "data/**", ...ALONE],
          maxWorkers: workers ?? 2,
          // Not 0: vitest moves an isolated project of one worker in group 0 (MP4T_TEST_WORKERS=1) to the end.
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...shared,
          name: "alone",
          include: ALONE,
          exclude: ["**/node_modules/**", "data/**"],
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
