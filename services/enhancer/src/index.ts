export { buildHandlers, startEnhancer } from "./worker.ts";
export { configSchema } from "./config.ts";
export type { EnhancerConfig } from "./config.ts";
export { enhanceHandler } from "./handlers/enhance.handler.ts";
export { enhance } from "./enhancements/enhance.ts";
export { cleanParagraph } from "./enhancements/clean.ts";
export { summarize } from "./enhancements/summary.ts";
export { lectureNotes } from "./enhancements/notes.ts";
export { keywordWeights, topTerms } from "./enhancements/text-stats.ts";
