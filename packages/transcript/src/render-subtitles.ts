import type { Transcript } from "@mp4t/contracts";
import { buildCues, type Cue } from "./cues.ts";
import { formatTimestampMs } from "./timecode.ts";
import { labelsSpeakers } from "./edit.ts";

/** SubRip: numbered cues; with several speakers (or a named one), the first cue of each turn names the speaker. */
export function renderSrt(t: Transcript): string {
  const cues = buildCues(t.segments, labelsSpeakers(t) ? { turnLabel: (s) => `${s}:` } : {});
  return cues.map((c, i) => `${i + 1}\n${formatTimestampMs(c.startMs, ",")} --> ${formatTimestampMs(c.endMs, ",")}\n${c.lines.join("\n")}\n`).join("\n");
}

const escapeVtt = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const vttText = (c: Cue) => {
  const text = c.lines.map(escapeVtt).join("\n");
  return c.speaker ? `<v ${escapeVtt(c.speaker)}>${text}` : text;
};

/** WebVTT: every cue of a labelled segment carries a voice tag, since a cue may be shown alone. */
export function renderVtt(t: Transcript): string {
  const cues = buildCues(t.segments);
  const body = cues.map((c) => `${formatTimestampMs(c.startMs, ".")} --> ${formatTimestampMs(c.endMs, ".")}\n${vttText(c)}\n`);
  return ["WEBVTT\n", ...body].join("\n");
}
