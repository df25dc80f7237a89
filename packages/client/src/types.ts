import type { components } from "./api.gen.ts";

type Schemas = components["schemas"];
export type Job = Schemas["Job"];
export type JobPage = Schemas["JobPage"];
export type Transcript = Schemas["Transcript"];
export type JobEvent = Schemas["JobEvent"];
/** Every error answer; each operation's `error` type narrows `code` to the codes it documents. */
export type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
/** What an upload's `options` field may hold (every field optional: the server fills in defaults). */
export type JobOptionsInput = Partial<Job["options"]>;
export type TranscriptFormat = "json" | "txt" | "srt" | "vtt" | "md";
