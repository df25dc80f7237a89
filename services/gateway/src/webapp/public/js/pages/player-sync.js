import { clock, h } from "../dom.js";

/** Eight colours readable on white and distinct for common colour blindness (Okabe-Ito, darkened). */
const COLOURS = ["#0069a8", "#b35900", "#007a5a", "#a3367a", "#5a5a00", "#3d4fb0", "#9c2f00", "#00707a"];
export const colourOf = (speakers, s) => COLOURS[Math.max(0, speakers.indexOf(s)) % COLOURS.length];

/**
 * Keeps the word being spoken highlighted while the media plays: words are sorted by start, so
 * the current one is a binary search per animation frame; only the changed span is touched.
 */
export function followPlayback(player, words, spans, { onWord = () => {} } = {}) {
  let current = -1;
  let frame = 0;
  const find = (t) => {
    let lo = 0,
      hi = words.length - 1,
      at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (words[mid].start <= t) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at >= 0 && t < Math.max(words[at].end, words[at].start + 0.05) + 0.25 ? at : -1;
  };
  const tick = () => {
    const i = find(player.currentTime);
    if (i !== current) {
      spans[current]?.classList.remove("now");
      spans[i]?.classList.add("now");
      current = i;
      if (i >= 0) onWord(i);
    }
    frame = player.paused ? 0 : requestAnimationFrame(tick);
  };
  const start = () => {
    if (!frame) frame = requestAnimationFrame(tick);
  };
  player.addEventListener("play", start);
  player.addEventListener("seeked", tick);
  player.addEventListener("timeupdate", () => {
    if (!frame) tick();
  });
  return () => cancelAnimationFrame(frame);
}

/** Who spoke when: one coloured bar per segment across the recording; each is a button that seeks. */
export function speakerTimeline(transcript, seek) {
  const total = transcript.durationSec || transcript.segments.at(-1)?.end || 1;
  const bars = transcript.segments.map((s, i) => {
    const speaker = s.speaker ?? "Unknown";
    const b = h("button", {
      type: "button",
      class: "bar",
      tabindex: i === 0 ? 0 : -1,
      "aria-label": `${speaker}, ${clock(s.start)} to ${clock(s.end)}`,
      title: `${speaker} ${clock(s.start)}–${clock(s.end)}`,
      onclick: () => seek(s.start),
    });
    b.style.setProperty("--l", `${(s.start / total) * 100}%`);
    b.style.setProperty("--w", `${Math.max(0.4, ((s.end - s.start) / total) * 100)}%`);
    b.style.setProperty("--c", colourOf(transcript.speakers, speaker));
    return b;
  });
  // One tab stop; arrow keys move between segments (a toolbar's keyboard pattern).
  const track = h("div", { class: "timeline", role: "toolbar", "aria-label": "Speaker timeline" }, ...bars);
  track.addEventListener("keydown", (e) => {
    const i = bars.indexOf(document.activeElement);
    const next = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : e.key === "Home" ? 0 : e.key === "End" ? bars.length - 1 : null;
    if (next === null || i < 0 || !bars[next]) return;
    e.preventDefault();
    bars[i].tabIndex = -1;
    bars[next].tabIndex = 0;
    bars[next].focus();
  });
  const legend = h(
    "ul",
    { class: "legend", "aria-label": "Speakers" },
    ...transcript.speakers.map((s) => {
      const dot = h("span", { class: "dot", "aria-hidden": "true" });
      dot.style.setProperty("--c", colourOf(transcript.speakers, s));
      return h("li", {}, dot, s);
    }),
  );
  return h("div", { class: "timeline-wrap" }, track, legend);
}
