import type { Transcript, TranscriptFormat } from "@mp4t/contracts";
import { paragraphsOf, renderMarkdown } from "./render-markdown.ts";
import { renderSrt, renderVtt } from "./render-subtitles.ts";
import { labelsSpeakers } from "./edit.ts";

/** Plain text: one paragraph per block, each prefixed with its speaker when there are several or one has a name. */
export function renderText(t: Transcript): string {
  const paragraphs = paragraphsOf(t);
  if (paragraphs.length === 0) return t.text ? `${t.text}\n` : "";
  const labelled = labelsSpeakers(t);
  return `${paragraphs.map((p) => (labelled && p.speaker ? `${p.speaker}: ${p.text}` : p.text)).join("\n\n")}\n`;
}

const CONTENT_TYPES: Record<TranscriptFormat, string> = {
  json: "application/json; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  srt: "application/x-subrip; charset=utf-8",
  vtt: "text/vtt; charset=utf-8",
  md: "text/markdown; charset=utf-8",
};

/** Renders a transcript in one of the public formats. */
export function renderTranscript(t: Transcript, format: TranscriptFormat): { body: string; contentType: string } {
  const body =
    format === "json"
      ? JSON.stringify(t)
      : format === "txt"
        ? renderText(t)
        : format === "srt"
          ? renderSrt(t)
          : format === "vtt"
            ? renderVtt(t)
            : renderMarkdown(t);
  return { body, contentType: CONTENT_TYPES[format] };
}
