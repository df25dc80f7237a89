import { api } from "../api.js";
import { alertBox, announce, field, h, when } from "../dom.js";

const ifMatch = (state) => ({ "if-match": `"v${state.version}"` });

/** Speaker names, renamed in place: PUT /v1/jobs/:id/speakers; every download and search use them. */
export function renameSpeakers(state, reload) {
  const out = h("div");
  const rows = state.transcript.speakers.map((name) => {
    const input = h("input", { name: "speaker", value: name, maxlength: 100, required: true, dataset: { old: name } });
    return field(`Name for ${name}`, input);
  });
  const f = h(
    "form",
    { class: "card", "aria-labelledby": "spk-h" },
    h("h2", { id: "spk-h" }, "Speakers"),
    rows.length ? rows : h("p", { class: "muted" }, "No speakers were told apart in this recording."),
    rows.length ? h("button", { type: "submit", class: "small" }, "Save names") : null,
    out,
  );
  f.addEventListener("submit", async (e) => {
    e.preventDefault();
    const names = {};
    for (const i of f.querySelectorAll("input[name=speaker]")) if (i.value.trim() && i.value.trim() !== i.dataset.old) names[i.dataset.old] = i.value.trim();
    if (Object.keys(names).length === 0) return;
    try {
      await api(`/v1/jobs/${state.job.id}/speakers`, { method: "PUT", body: names, headers: ifMatch(state) });
      state.undo.push({ kind: "speakers", names: Object.fromEntries(Object.entries(names).map(([a, b]) => [b, a])) });
      await reload();
      announce("Speaker names saved");
    } catch (err) {
      out.replaceChildren(alertBox(err.message));
    }
  });
  return f;
}

/** Turns one segment into a text box; Save makes a new version (PATCH with If-Match). */
export function editSegment(state, index, section, reload) {
  if (section.querySelector("textarea")) return;
  const seg = state.transcript.segments[index];
  const words = section.querySelector(".words");
  const box = h("textarea", { rows: 3, maxlength: 5000, "aria-label": "Segment text" }, seg.text);
  box.value = seg.text;
  const out = h("div");
  const cancel = () => {
    editor.replaceWith(words);
    section.querySelector(".edit")?.focus();
  };
  const save = async () => {
    const text = box.value.trim();
    if (!text || text === seg.text) return cancel();
    try {
      await api(`/v1/jobs/${state.job.id}/transcript`, { method: "PATCH", body: { segments: [{ index, text }] }, headers: ifMatch(state) });
      state.undo.push({ kind: "edit", index, text: seg.text });
      await reload();
      announce("Segment saved");
    } catch (err) {
      out.replaceChildren(alertBox(err.code === "TRANSCRIPT_CHANGED" ? "The transcript changed elsewhere; reload the page and edit again." : err.message));
    }
  };
  box.addEventListener("keydown", (e) => {
    if (e.key === "Escape") cancel();
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) save();
  });
  const editor = h(
    "div",
    { class: "editor" },
    box,
    h(
      "div",
      { class: "row" },
      h("button", { type: "button", class: "small", onclick: save }, "Save"),
      h("button", { type: "button", class: "secondary small", onclick: cancel }, "Cancel"),
      h("span", { class: "muted" }, "Ctrl+Enter saves, Esc cancels"),
    ),
    out,
  );
  words.replaceWith(editor);
  box.focus();
}

/** Versions (1 is the engine's) and an undo of this visit's changes, each undo a new version too. */
export function historyPanel(state, reload) {
  const list = h("ol", { class: "versions" });
  const out = h("div");
  const undo = h(
    "button",
    {
      type: "button",
      class: "secondary small",
      disabled: state.undo.length === 0,
      onclick: async () => {
        const last = state.undo.pop();
        try {
          if (last.kind === "edit")
            await api(`/v1/jobs/${state.job.id}/transcript`, {
              method: "PATCH",
              body: { segments: [{ index: last.index, text: last.text }] },
              headers: ifMatch(state),
            });
          else await api(`/v1/jobs/${state.job.id}/speakers`, { method: "PUT", body: last.names, headers: ifMatch(state) });
          await reload();
          announce("Change undone");
        } catch (err) {
          out.replaceChildren(alertBox(err.message));
        }
      },
    },
    "Undo last change",
  );
  api(`/v1/jobs/${state.job.id}/transcript/versions`).then(
    (v) => {
      const kinds = { engine: "Transcribed", edit: "Text corrected", speakers: "Speakers named", enhance: "Enhanced" };
      list.replaceChildren(
        ...v.items
          .slice()
          .reverse()
          .map((it) => h("li", {}, `v${it.version} · ${kinds[it.kind] ?? it.kind} · ${when(it.at)}`, it.version === v.current ? " (current)" : "")),
      );
    },
    () => list.replaceChildren(h("li", {}, "History unavailable.")),
  );
  return h("section", { class: "card", "aria-labelledby": "hist-h" }, h("h2", { id: "hist-h" }, "History"), undo, list, out);
}
