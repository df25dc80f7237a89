export { pipelineDeps, readCommands } from "./pipeline-harness.ts";
