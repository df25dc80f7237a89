import { api, ApiError } from "../api.js";
import { alertBox, announce, clock, h, mount, when } from "../dom.js";
import { colourOf, followPlayback, speakerTimeline } from "./player-sync.js";
import { editSegment, historyPanel, renameSpeakers } from "./transcript-edit.js";

const FORMATS = [
  ["srt", "SubRip (.srt)"],
  ["vtt", "WebVTT (.vtt)"],
  ["txt", "Text (.txt)"],
  ["md", "Markdown (.md)"],
  ["json", "JSON (.json)"],
];

async function download(job, format) {
  const res = await api(`/v1/jobs/${job.id}/transcript?format=${format}`, { as: "response" });
  const name = /filename\*=UTF-8''([^;]+)/.exec(res.headers.get("content-disposition") ?? "")?.[1];
  const a = h("a", { href: URL.createObjectURL(await res.blob()), download: name ? decodeURIComponent(name) : `transcript.${format}` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** The original media, or a sentence saying why it cannot play (removed after retention). */
async function mediaPlayer(job) {
  try {
    const link = await api(`/v1/jobs/${job.id}/media-link`, { method: "POST" });
    const tag = job.media?.hasVideo ? "video" : "audio";
    return h(tag, { id: "player", controls: true, preload: "metadata", src: link.url, "aria-label": `Recording: ${job.fileName}` });
  } catch (err) {
    if (err instanceof ApiError && err.code === "MEDIA_GONE") {
      return alertBox(
        "The original recording was removed after the retention period, so it cannot be played here. The transcript, its edits and every download stay.",
        "notice",
      );
    }
    return alertBox(`The recording cannot be played: ${err.message}`, "notice");
  }
}

/**
 * One completed job: the player with a speaker timeline under it, the transcript with the
 * spoken word highlighted (click a word to seek), speaker names and segments editable in place,
 * version history with undo, downloads, summary and notes.
 */
export async function transcriptPage({ args: [id], params }) {
  const job = await api(`/v1/jobs/${id}`);
  if (job.status !== "completed") {
    return void mount(
      h("h1", {}, job.fileName),
      alertBox(`This job is ${job.status}; its transcript appears once it has completed.`, "notice"),
      h("p", {}, h("a", { href: "#/jobs" }, "Back to jobs")),
    );
  }
  const state = { job, transcript: null, version: 1, undo: [] };
  const player = await mediaPlayer(job);
  const playable = player.tagName === "VIDEO" || player.tagName === "AUDIO";
  const seek = (t) => {
    if (!playable) return;
    player.currentTime = t;
    player.play().catch(() => undefined);
  };
  const body = h("div", { class: "transcript", id: "transcript" });
  const side = h("div", { class: "side" });
  const timelineSlot = h("div");
  let stopFollow = () => {};

  const render = () => {
    const t = state.transcript;
    const words = [];
    const spans = [];
    const segments = t.segments.map((s, index) => {
      const speaker = s.speaker ?? "";
      const text = h(
        "p",
        { class: "words" },
        ...s.words.flatMap((w) => {
          const span = h("span", { class: "w", dataset: { i: String(words.length) } }, w.word);
          words.push(w);
          spans.push(span);
          return [span, " "];
        }),
      );
      if (s.words.length === 0) text.append(s.text);
      const who = h("span", { class: "speaker" }, speaker);
      who.style.setProperty("--c", colourOf(t.speakers, speaker));
      const seg = h(
        "section",
        { class: "segment", dataset: { index: String(index), start: String(s.start) } },
        h(
          "div",
          { class: "seg-head" },
          speaker ? who : null,
          h("button", { type: "button", class: "time link", "aria-label": `Play from ${clock(s.start)}`, onclick: () => seek(s.start) }, clock(s.start)),
          h(
            "button",
            { type: "button", class: "link edit", "aria-label": `Edit segment at ${clock(s.start)}`, onclick: () => editSegment(state, index, seg, reload) },
            "Edit",
          ),
        ),
        text,
      );
      return seg;
    });
    body.replaceChildren(...segments);
    state.words = words;
    stopFollow();
    if (playable) {
      stopFollow = followPlayback(player, words, spans, {
        onWord: (i) => {
          const r = spans[i].getBoundingClientRect();
          if (!player.paused && !body.querySelector("textarea") && (r.top < 0 || r.bottom > innerHeight))
            spans[i].scrollIntoView({ block: "center", behavior: "smooth" });
        },
      });
    }
    timelineSlot.replaceChildren(speakerTimeline(t, seek));
    const enh = t.enhancements ?? {};
    side.replaceChildren(
      ...[
        renameSpeakers(state, reload),
        h(
          "section",
          { class: "card", "aria-labelledby": "dl-h" },
          h("h2", { id: "dl-h" }, "Download"),
          h(
            "div",
            { class: "row wrap" },
            ...FORMATS.map(([f, label]) =>
              h("button", { type: "button", class: "secondary small", dataset: { format: f }, onclick: () => download(job, f) }, label),
            ),
          ),
        ),
        enh.summary
          ? h("section", { class: "card", "aria-labelledby": "sum-h" }, h("h2", { id: "sum-h" }, "Summary"), h("p", { class: "pre" }, enh.summary))
          : null,
        enh.notes
          ? h("section", { class: "card", "aria-labelledby": "notes-h" }, h("h2", { id: "notes-h" }, "Notes"), h("p", { class: "pre" }, enh.notes))
          : null,
        historyPanel(state, reload),
      ].filter(Boolean),
    );
  };

  async function reload() {
    const res = await api(`/v1/jobs/${id}/transcript?format=json`, { as: "response" });
    state.transcript = await res.json();
    state.version = Number(/v(\d+)/.exec(res.headers.get("etag") ?? "")?.[1] ?? 1);
    render();
    document.body.dataset.transcript = String(state.version);
  }

  body.addEventListener("click", (e) => {
    const w = e.target.closest?.(".w");
    if (w && !body.querySelector("textarea")) seek(state.words[Number(w.dataset.i)].start);
  });

  mount(
    h("h1", {}, job.fileName),
    h("p", { class: "muted" }, `${clock(job.media?.durationSec)} · ${job.options.language} · completed ${when(job.completedAt)}`),
    h(
      "div",
      { class: "layout" },
      h("div", { class: "main-col" }, h("div", { class: "player-wrap" }, player, timelineSlot), h("h2", { class: "visually-hidden" }, "Transcript"), body),
      h("aside", { "aria-label": "Speakers, downloads and history" }, side),
    ),
  );
  await reload();
  const at = Number(params.get("t"));
  if (params.has("t") && Number.isFinite(at)) {
    const seg = [...body.querySelectorAll(".segment")].findLast((s) => Number(s.dataset.start) <= at + 0.01);
    seg?.classList.add("hit");
    seg?.scrollIntoView({ block: "center" });
    if (playable) {
      const go = () => {
        player.currentTime = at;
      };
      if (player.readyState >= 1) go();
      else player.addEventListener("loadedmetadata", go, { once: true });
    }
    announce(`Opened at ${clock(at)}`);
  }
  return () => {
    stopFollow();
    if (playable) player.pause();
  };
}
