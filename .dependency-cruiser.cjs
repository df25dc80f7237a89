// Boundaries between contracts, packages, services, tests and benches, checked by
// `node scripts/boundaries.ts` (npm run lint; npm test through tests/boundaries).
// Paths are relative to the repository root. Rules name the TARGET layout (packages/messaging,
// packages/runtime, packages/pipeline): a rule about a directory that does not exist yet matches nothing.
const { existsSync, readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

// Rules a change may park here (reported as nothing) while code that breaks them is being moved;
// empty since the platform split (issue 11) was merged. MP4T_BOUNDARIES_ALL=1 turns them all on
// (tests/boundaries proves each one catches a violation).
const PENDING = [];
const ALL = process.env.MP4T_BOUNDARIES_ALL === "1";

// @nats-io resolved (node_modules/.pnpm/@nats-io+x@v/node_modules/@nats-io/x/...) or not.
const NATS = "(^|/)@nats-io/";
// Test code: unit and integration tests, test harnesses and the packages/testing harness.
const TEST = "(^|/)(test|testing)/|\\.test\\.ts$";
const AREA = "^(contracts|packages/[^/]+|services/[^/]+)/";

/** Every file a package.json `exports` names: the only files other areas may import. */
function publicEntries(root) {
  const dirs = ["contracts"];
  for (const parent of ["packages", "services"]) {
    if (existsSync(join(root, parent))) for (const d of readdirSync(join(root, parent))) dirs.push(`${parent}/${d}`);
  }
  const entries = [];
  for (const dir of dirs) {
    const file = join(root, dir, "package.json");
    if (!existsSync(file)) continue;
    const { exports } = JSON.parse(readFileSync(file, "utf8"));
    const targets = typeof exports === "string" ? [exports] : Object.values(exports ?? {});
    for (const t of targets) if (typeof t === "string") entries.push(`^${dir}/${t.replace(/^\.\//, "").replace(/[.]/g, "\\.")}$`);
  }
  return entries;
}
const ENTRIES = publicEntries(process.cwd());

const rules = [
  {
    name: "contracts-depend-on-nothing",
    comment: "contracts is the root of the graph: zod schemas and names, no workspace imports.",
    from: { path: "^contracts/" },
    to: { path: "^(packages|services)/" },
  },
  {
    name: "no-package-imports-service",
    comment: "Packages are below services: a package never imports a service.",
    from: { path: "^(contracts|packages)/" },
    to: { path: "^services/" },
  },
  {
    name: "no-service-imports-service",
    comment: "Services talk through JetStream only, never through each other's code.",
    from: { path: "^services/([^/]+)/" },
    to: { path: "^services/", pathNot: "^services/$1/" },
  },
  {
    name: "transcript-only-contracts",
    comment: "packages/transcript is pure transcript logic over contracts (npm libraries and node builtins allowed).",
    from: { path: "^packages/transcript/", pathNot: TEST },
    to: { path: "^(packages|services)/", pathNot: "^packages/transcript/" },
  },
  {
    name: "stores-only-contracts",
    comment: "packages/stores is ports, adapters and conformance suites over contracts only (job lifecycle and pipeline wiring live in packages/pipeline).",
    from: { path: "^packages/stores/", pathNot: TEST },
    to: { path: "^(packages|services)/", pathNot: "^packages/stores/" },
  },
  {
    name: "services-no-nats",
    comment: "Services get messaging ports (WorkQueue, JobEvents, ...), never nc/js/jsm: only @mp4t/messaging imports @nats-io.",
    from: { path: "^services/", pathNot: TEST },
    to: { path: NATS },
  },
  {
    name: "nats-only-in-messaging",
    comment: "Only packages/messaging and the NATS store adapters import @nats-io.",
    from: {
      path: "^(contracts|packages)/",
      pathNot: [
        TEST,
        "^packages/messaging/",
        "^packages/stores/src/adapters/",
        "^packages/webhooks/src/adapters/",
        // The store factories open the NATS-backed stores on the connection their caller hands them (a type import).
        "^packages/stores/src/factory\\.ts$",
        "^packages/webhooks/src/config\\.ts$",
      ],
    },
    to: { path: NATS },
  },
  {
    name: "public-entries-only",
    comment: "Across contracts, packages and services, import what a package.json exports, never a file behind it.",
    from: { path: AREA },
    to: { path: AREA, pathNot: ["^$1/", ...ENTRIES] },
  },
  {
    name: "tests-use-public-entries",
    comment: "tests/ and bench/ use packages' and services' public entry points, not their src/ or test/ files.",
    from: { path: "^(tests|bench)/", pathNot: ["^bench/transcription\\.bench\\.ts$", "^bench/mfcc\\.bench\\.ts$"] },
    to: {
      path: AREA,
      pathNot: [
        ...ENTRIES,
        // The deploy tests check every env profile against each service's own config schema, the file
        // its main.ts reads; a service's entry would load its whole app (fastify, engines) to get it.
        "^services/[^/]+/src/config\\.ts$",
      ],
    },
  },
  {
    name: "tests-use-public-entries",
    comment: "The transcription bench scores the diarizer on the synthetic conversations its tests are built on.",
    from: { path: "^bench/transcription\\.bench\\.ts$" },
    to: { path: AREA, pathNot: [...ENTRIES, "^services/diarizer/test/speech-fixtures\\.ts$"] },
  },
  {
    name: "tests-use-public-entries",
    comment: "The MFCC bench sets the diarizer's kernel against TypeScript made of the diarizer's own pieces, both held to its tests' reference.",
    from: { path: "^bench/mfcc\\.bench\\.ts$" },
    to: {
      path: AREA,
      pathNot: [...ENTRIES, "^services/diarizer/src/diarization/(fft|mfcc)\\.ts$", "^services/diarizer/test/mfcc-reference\\.ts$"],
    },
  },
  // Cycles between packages are found on the package graph (modules collapsed to their package) by
  // scripts/boundaries.ts: these two entries only switch that check on (their module condition
  // matches nothing). "with-tests" also counts test files (messaging's int tests live in tests/messaging so testing and messaging do not depend on each other).
  {
    name: "no-package-cycles",
    comment: "No cycle between contracts, packages and services, counting production code.",
    from: { path: "^$" },
    to: {},
  },
  {
    name: "no-package-cycles-with-tests",
    comment: "No cycle between contracts, packages and services, counting test code too.",
    from: { path: "^$" },
    to: {},
  },
];

module.exports = {
  forbidden: rules.filter((r) => ALL || !PENDING.includes(r.name)).map((r) => ({ severity: "error", ...r })),
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(tests/boundaries/fixtures|packages/client/dist)/" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
