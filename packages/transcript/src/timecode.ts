const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `HH:MM:SS,mmm` (SubRip) or `HH:MM:SS.mmm` (WebVTT) from whole milliseconds. */
export function formatTimestampMs(ms: number, separator: "," | "."): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(total % 1000, 3)}`;
}

/** `mm:ss`, or `h:mm:ss` from an hour on, for reading rather than parsing. */
export function formatClock(sec: number): string {
  const total = Math.max(0, Math.floor(sec));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/** Parses `HH:MM:SS,mmm` / `HH:MM:SS.mmm` (or `MM:SS.mmm` when `hoursOptional`) to milliseconds; null if malformed. */
export function parseTimestampMs(text: string, separator: "," | ".", hoursOptional = false): number | null {
  const sep = separator === "," ? "," : "\\.";
  const re = new RegExp(`^(?:(\\d{2,}):)${hoursOptional ? "?" : ""}([0-5]\\d):([0-5]\\d)${sep}(\\d{3})$`);
  const m = re.exec(text);
  if (!m) return null;
  return Number(m[1] ?? 0) * 3_600_000 + Number(m[2]) * 60_000 + Number(m[3]) * 1000 + Number(m[4]);
}
