export { pipelineDeps, readCommands, takeCommands } from "./pipeline-harness.ts";
