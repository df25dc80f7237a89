export { createJobLifecycle, STAGE_PROGRESS } from "./job-lifecycle.ts";
export type { JobLifecycle } from "./job-lifecycle.ts";
export { createPipelineDeps } from "./pipeline-deps.ts";
export type { PipelineDeps } from "./pipeline-deps.ts";
export { startPipelineService } from "./pipeline-service.ts";
export { jobFailure, rejectJob, optionUnsupportedError } from "./job-failure.ts";
