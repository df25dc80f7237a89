export { renderTranscript } from "./render.ts";
