import { Transcript, type Word } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { assembleTranscript } from "./assemble.ts";
import { parseSrt, parseVtt, type ParsedCue } from "./cue-parser.ts";
import { renderTranscript } from "./render.ts";
import { buildSegments } from "./segments.ts";

const turn = (text: string, start: number, speaker?: string, step = 0.35): Word[] =>
  text.split(" ").map((word, i) => ({ word, start: start + i * step, end: start + i * step + 0.3, ...(speaker ? { speaker } : {}) }));

const LONG = "and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them";

function sample(speakers: boolean): Transcript {
  const s = (n: number) => (speakers ? `Speaker ${n}` : undefined);
  const words = [
    ...turn(LONG, 0.5, s(1)),
    ...turn("yes", 9.1, s(2)),
    ...turn("no", 9.4, s(1)),
    ...turn("he was not an ill disposed young man", 9.9, s(2)),
    ...turn(`${LONG} ${LONG}`, 16, s(1), 0.25),
    ...turn("i think so", 40, s(2)),
  ];
  return assembleTranscript({
    language: "en",
    durationSec: 42,
    segments: buildSegments(words),
    enhancements: { summary: "A short summary.", notes: "### Key terms\n- dashwood" },
  });
}

/** What every renderer's cues must satisfy. */
function assertValidCues(cues: ParsedCue[], durationSec: number) {
  expect(cues.length).toBeGreaterThan(0);
  let prevEnd = 0;
  for (const c of cues) {
    expect(c.startMs).toBeGreaterThanOrEqual(prevEnd);
    expect(c.endMs - c.startMs).toBeGreaterThanOrEqual(1000);
    expect(c.endMs - c.startMs).toBeLessThanOrEqual(7000);
    expect(c.lines.length).toBeLessThanOrEqual(2);
    for (const l of c.lines) expect(l.replace(/^<v [^>]+>/, "").length).toBeLessThanOrEqual(42);
    prevEnd = c.endMs;
  }
  expect(prevEnd).toBeLessThanOrEqual((durationSec + 7) * 1000);
}

describe("renderTranscript", () => {
  it("json is the transcript itself", () => {
    const t = sample(true);
    const { body, contentType } = renderTranscript(t, "json");
    expect(contentType).toMatch(/^application\/json/);
    expect(Transcript.parse(JSON.parse(body))).toEqual(t);
  });

  it("txt has paragraphs, with speaker prefixes only when there are several speakers", () => {
    const multi = renderTranscript(sample(true), "txt");
    expect(multi.contentType).toMatch(/^text\/plain/);
    const paras = multi.body.trim().split("\n\n");
    expect(paras[0]).toMatch(/^Speaker 1: And mister john dashwood/);
    expect(paras.every((p) => /^Speaker \d: /.test(p))).toBe(true);
    expect(paras.at(-1)).toBe("Speaker 2: I think so.");
    const single = renderTranscript(sample(false), "txt").body;
    expect(single).not.toContain("Speaker");
    expect(single.startsWith("And mister john dashwood")).toBe(true);
  });

  it("srt is valid SubRip with every word in order", () => {
    const t = sample(true);
    const { body, contentType } = renderTranscript(t, "srt");
    expect(contentType).toMatch(/subrip/);
    const cues = parseSrt(body);
    assertValidCues(cues, t.durationSec);
    expect(cues[0]!.lines[0]).toMatch(/^Speaker 1: And/);
    const text = cues
      .map((c) => c.lines.join(" "))
      .join(" ")
      .replace(/Speaker \d: /g, "");
    expect(text).toBe(t.segments.map((s) => s.text).join(" "));
  });

  it("vtt is valid WebVTT with voice tags when there are speakers", () => {
    const t = sample(true);
    const { body, contentType } = renderTranscript(t, "vtt");
    expect(contentType).toMatch(/^text\/vtt/);
    expect(body.startsWith("WEBVTT\n\n")).toBe(true);
    const cues = parseVtt(body);
    assertValidCues(cues, t.durationSec);
    for (const c of cues) expect(c.lines[0]).toMatch(/^<v Speaker [12]>/);
    expect(parseVtt(renderTranscript(sample(false), "vtt").body).some((c) => c.lines[0]!.startsWith("<v"))).toBe(false);
  });

  it("vtt escapes markup characters", () => {
    const t = assembleTranscript({ language: "en", durationSec: 2, segments: buildSegments(turn("a<b & c", 0)) });
    expect(renderTranscript(t, "vtt").body).toContain("A&lt;b &amp; c.");
  });

  it("md has a title, speakers, timestamped paragraphs and enhancement sections", () => {
    const { body, contentType } = renderTranscript(sample(true), "md");
    expect(contentType).toMatch(/^text\/markdown/);
    expect(body).toMatch(/^# Transcript\n/);
    expect(body).toContain("- **Speakers:** Speaker 1, Speaker 2");
    expect(body).toContain("## Summary\n\nA short summary.");
    expect(body).toContain("## Notes\n\n### Key terms");
    expect(body).toContain("**[00:00]** **Speaker 1:** And mister john dashwood");
    expect(body).toContain("**[00:40]** **Speaker 2:** I think so.");
  });

  it("renders an empty transcript without failing", () => {
    const t = assembleTranscript({ language: "en", durationSec: 0, segments: [] });
    expect(renderTranscript(t, "txt").body).toBe("");
    expect(parseSrt(renderTranscript(t, "srt").body)).toEqual([]);
    expect(parseVtt(renderTranscript(t, "vtt").body)).toEqual([]);
  });
});
