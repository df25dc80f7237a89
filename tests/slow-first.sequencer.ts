import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The suite's longest files, longest first (from a run on 2 cores, 2026-12-02). Started first,
 * they run beside the many short files instead of alone at the end. A fresh machine (CI) has no
 * vitest cache of durations to sort by, so the order is written down here; a renamed or removed
 * file only drops out of the list.
 */
const SLOWEST = [
  // alone (one at a time)
  "tests/chaos/chaos.int.test.ts",
  "tests/load/load.int.test.ts",
  // paired (two at a time): the whole-system files first, then the longest of the rest
  "tests/e2e/layouts.int.test.ts",
  "tests/webapp/webapp.int.test.ts",
  "tests/messaging/worker.int.test.ts",
  "tests/e2e/blob-migration.int.test.ts",
  "tests/client/cli.int.test.ts",
  "services/transcriber/test/transcribe.int.test.ts",
  "tests/chaos/transcribe-resume.int.test.ts",
  "tests/security/nats-system.int.test.ts",
  "tests/observability/dashboard.int.test.ts",
  "tests/messaging/cluster.int.test.ts",
  "tests/chaos/shutdown.int.test.ts",
  "tests/deploy/profiles-boot.int.test.ts",
  "services/ingest/test/ingest-formats.int.test.ts",
  "tests/e2e/transcripts-mongodb.int.test.ts",
  "tests/e2e/webhooks.int.test.ts",
  "tests/load/artillery.int.test.ts",
  "tests/e2e/spine.int.test.ts",
  "tests/e2e/production-stores.int.test.ts",
  "services/ingest/test/ingest-tracks.int.test.ts",
  "packages/stores/test/nats-cluster-stores.int.test.ts",
  "tests/e2e/transcripts.int.test.ts",
];

/** Runs the known slowest files first, then the rest in vitest's own order. */
export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = SLOWEST.findIndex((p) => f.moduleId.endsWith(`/${p}`));
      return i === -1 ? SLOWEST.length : i;
    };
    const rest = await super.sort(files);
    return rest
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}
