import type { Transcript, TranscriptFormat } from "@mp4t/contracts";

/** Renders a transcript in one of the public formats. (Placeholder: being written.) */
export function renderTranscript(t: Transcript, format: TranscriptFormat): { body: string; contentType: string } {
  if (format === "json") return { body: JSON.stringify(t), contentType: "application/json; charset=utf-8" };
  return { body: t.text, contentType: "text/plain; charset=utf-8" };
}
