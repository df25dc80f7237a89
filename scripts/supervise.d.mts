export type SuperviseOptions = {
  /** For log lines. */
  name: string;
  /** The script node runs. */
  entry: string;
  /** Its command-line arguments. */
  args?: string[] | undefined;
  env: NodeJS.ProcessEnv;
  /** Written to the process's stdin at every start (stdin ignored when unset). */
  input?: string | undefined;
  log: (line: string) => void;
  onFatal?: ((name: string) => void) | undefined;
  /** V8's largest semi-space (`--max-semi-space-size`) unless NODE_OPTIONS names one; 16 when unset. */
  semiSpaceMiB?: number | undefined;
  /** false: `--no-memory-reducer` (the gateway's own process); true when unset. */
  memoryReducer?: boolean | undefined;
  /** Added to the process's nice value once started (0 or unset: none). */
  nice?: number | undefined;
};
export type Supervised = { name: string; readonly pid: number | undefined; stop(graceMs: number): Promise<void> };
export function supervise(o: SuperviseOptions): Supervised;
export function nodeMemoryDefaults(env: NodeJS.ProcessEnv, semiSpaceMiB?: number, memoryReducer?: boolean): { env: NodeJS.ProcessEnv; execArgv: string[] };
export function compileCacheEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function semiSpaceFor(name: string): number;
export function memoryReducerFor(name: string): boolean;
export const LAYOUTS: readonly ["all-in-one", "separate", "split"];
export type Layout = (typeof LAYOUTS)[number];
/** What `layoutProcesses` reads of scripts/prepare.ts's Plan. */
export type LayoutPlan = {
  mode: Layout;
  services: { name: string; entry: string; env: Record<string, string> }[];
  allInOneEntry: string;
};
export type LayoutProcess = {
  name: string;
  entry: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  input?: string;
  semiSpaceMiB: number;
  memoryReducer: boolean;
  nice: number;
};
export function workerNice(env: NodeJS.ProcessEnv): number;
export function layoutProcesses(plan: LayoutPlan, shared: NodeJS.ProcessEnv): LayoutProcess[];
export const NATS_DISK_FULL: RegExp;
export function natsRestartFreeBytes(env: NodeJS.ProcessEnv, diskBytes: number): number;
export type SupervisedNats = {
  /** Settles with the tail of its log if the first nats-server exits before `keep()`. */
  firstExit: Promise<string>;
  readonly pid: number | undefined;
  keep(): void;
  stop(): Promise<void>;
};
export function superviseNats(o: {
  bin: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  storeDir: string;
  log: (line: string) => void;
  pollMs?: number;
  graceMs?: number;
}): SupervisedNats;
