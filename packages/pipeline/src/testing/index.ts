export { pipelineDeps, readCommands, readJobEvents, takeCommands } from "./pipeline-harness.ts";
