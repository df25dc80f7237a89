import type { Transcript } from "@mp4t/contracts";
import { buildParagraphs } from "./segments.ts";
import { formatClock } from "./timecode.ts";
import { labelsSpeakers } from "./edit.ts";

export const paragraphsOf = (t: Transcript) => t.paragraphs ?? buildParagraphs(t.segments);

/** Markdown: a title, the facts, summary and notes when present, then timestamped paragraphs. */
export function renderMarkdown(t: Transcript, title = "Transcript"): string {
  const out: string[] = [`# ${title}`, ""];
  out.push(`- **Duration:** ${formatClock(t.durationSec)}`, `- **Language:** ${t.language}`);
  if (t.speakers.length > 0) out.push(`- **Speakers:** ${t.speakers.join(", ")}`);
  out.push("");
  const e = t.enhancements;
  if (e.summary) out.push("## Summary", "", e.summary.trim(), "");
  if (e.notes) out.push("## Notes", "", e.notes.trim(), "");
  out.push("## Transcript", "");
  const labelled = labelsSpeakers(t);
  for (const p of paragraphsOf(t)) {
    const who = labelled && p.speaker ? ` **${p.speaker}:**` : "";
    out.push(`**[${formatClock(p.start)}]**${who} ${p.text}`, "");
  }
  if (e.clean) out.push("## Clean text", "", e.clean.trim(), "");
  for (const [lang, text] of Object.entries(e.translations ?? {})) out.push(`## Translation (${lang})`, "", text.trim(), "");
  return `${out.join("\n").trimEnd()}\n`;
}
