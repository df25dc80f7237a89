import type { components } from "./api.gen.ts";

type Schemas = components["schemas"];
export type Job = Schemas["Job"];
export type JobPage = Schemas["JobPage"];
export type Transcript = Schemas["Transcript"];
export type JobEvent = Schemas["JobEvent"];
export type ErrorBody = Schemas["Error"];
/** What an upload's `options` field may hold (every field optional: the server fills in defaults). */
export type JobOptionsInput = Partial<Job["options"]>;
export type TranscriptFormat = "json" | "txt" | "srt" | "vtt" | "md";
