/**
 * The dependency boundaries (.dependency-cruiser.cjs, scripts/boundaries.ts) hold on the real tree,
 * and every rule, pending ones included, reports a deliberate violation in the fixture tree
 * (tests/boundaries/fixtures/tree, a miniature of the target layout) and nothing the rules allow.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { boundaryProblems, cruise, type Violation } from "../../scripts/dependency-graph.ts";

const TREE = join(import.meta.dirname, "fixtures", "tree");
const NATS = "@nats-io/transport-node";
const show = (ps: Violation[]) =>
  ps.map((p) => `${p.rule}: ${p.from}${p.to ? ` -> ${p.to.replace(/^.*node_modules\/(@nats-io\/[^/]+).*$/, "$1")}` : ""}`).sort();

// Every violation the fixture tree holds, by rule; rules in the config's PENDING list are off by default.
const VIOLATIONS = [
  "contracts-depend-on-nothing: contracts/src/bad.ts -> packages/runtime/src/index.ts",
  "no-package-cycles: packages/messaging -> packages/pipeline -> packages/messaging",
  "no-package-cycles: packages/runtime -> services/a -> packages/runtime",
  "no-package-imports-service: packages/runtime/src/deep.ts -> services/a/src/index.ts",
  "no-service-imports-service: services/a/src/index.ts -> services/b/src/index.ts",
  "public-entries-only: services/a/src/index.ts -> packages/runtime/src/deep.ts",
  "tests-use-public-entries: bench/load.bench.ts -> packages/runtime/src/deep.ts",
  "tests-use-public-entries: tests/e2e/system.ts -> services/a/src/worker.ts",
  "transcript-only-contracts: packages/transcript/src/index.ts -> packages/runtime/src/index.ts",
  `nats-only-in-messaging: packages/runtime/src/index.ts -> ${NATS}`,
  "no-package-cycles-with-tests: packages/messaging -> packages/pipeline -> packages/messaging",
  "no-package-cycles-with-tests: packages/runtime -> packages/testing -> packages/runtime",
  "no-package-cycles-with-tests: packages/runtime -> services/a -> packages/runtime",
  `services-no-nats: services/a/src/index.ts -> ${NATS}`,
  "stores-only-contracts: packages/stores/src/index.ts -> packages/runtime/src/index.ts",
];

describe("dependency boundaries", () => {
  it("the fixture tree breaks exactly the enabled rules it was written to break", () => {
    const c = cruise(TREE);
    expect(c.rules).toContain("no-service-imports-service");
    expect(show(boundaryProblems(c))).toEqual(VIOLATIONS.filter((v) => c.rules.includes(v.split(":")[0]!)).sort());
  });

  it("with MP4T_BOUNDARIES_ALL=1 the pending rules catch their violations too, and allow what they allow", () => {
    const problems = show(boundaryProblems(cruise(TREE, undefined, { ...process.env, MP4T_BOUNDARIES_ALL: "1" })));
    expect(problems).toEqual([...VIOLATIONS].sort());
    // The NATS store adapter, messaging itself and a service's test harness may import @nats-io.
    for (const allowed of ["packages/stores/src/adapters/", "packages/messaging/", "services/a/test/"]) {
      expect(
        problems.filter((p) => p.includes(` ${allowed}`) && p.includes(NATS)),
        allowed,
      ).toEqual([]);
    }
  });

  it("the real tree keeps every enabled rule", () => {
    const { ...env } = process.env;
    delete env.MP4T_BOUNDARIES_ALL;
    const c = cruise(undefined, undefined, env);
    expect(c.modules.length).toBeGreaterThan(300);
    expect(c.rules).toContain("no-service-imports-service");
    expect(show(boundaryProblems(c))).toEqual([]);
  });
});
