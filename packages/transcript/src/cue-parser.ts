import { parseTimestampMs } from "./timecode.ts";

export type ParsedCue = { index?: number; startMs: number; endMs: number; lines: string[] };

const fail = (msg: string, block: number): never => {
  throw new Error(`invalid subtitles, cue block ${block}: ${msg}`);
};

function timing(line: string | undefined, sep: "," | ".", block: number, hoursOptional: boolean) {
  const m = /^(\S+) --> (\S+)(?: .*)?$/.exec(line ?? "") ?? fail(`bad timing line ${JSON.stringify(line)}`, block);
  const startMs = parseTimestampMs(m[1]!, sep, hoursOptional) ?? fail(`bad start ${m[1]}`, block);
  const endMs = parseTimestampMs(m[2]!, sep, hoursOptional) ?? fail(`bad end ${m[2]}`, block);
  return { startMs, endMs };
}

const blocksOf = (body: string) =>
  body
    .replace(/\r\n/g, "\n")
    .split(/\n{2,}/)
    .map((b) => b.trim())
    .filter(Boolean);

/** Strict SubRip parser: sequential numbering from 1, a timing line, at least one text line. */
export function parseSrt(body: string): ParsedCue[] {
  return blocksOf(body).map((block, i) => {
    const [num, time, ...lines] = block.split("\n");
    if (num !== String(i + 1)) fail(`expected number ${i + 1}, got ${JSON.stringify(num)}`, i + 1);
    if (lines.length === 0) fail("no text", i + 1);
    return { index: i + 1, ...timing(time, ",", i + 1, false), lines };
  });
}

/** Strict WebVTT parser: the `WEBVTT` header, then cues with optional identifiers. */
export function parseVtt(body: string): ParsedCue[] {
  const [header, ...blocks] = blocksOf(body);
  if (!header || !/^WEBVTT(?:[ \t].*)?$/.test(header.split("\n")[0]!)) fail("missing WEBVTT header", 0);
  return blocks
    .filter((b) => !/^(NOTE|STYLE|REGION)\b/.test(b))
    .map((block, i) => {
      const rows = block.split("\n");
      const at = rows[0]!.includes("-->") ? 0 : 1;
      const lines = rows.slice(at + 1);
      if (lines.length === 0) fail("no text", i + 1);
      return { ...timing(rows[at], ".", i + 1, true), lines };
    });
}
