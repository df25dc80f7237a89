import { api, missing } from "../api.js";
import { alertBox, announce, bytes, clock, field, h, mount } from "../dom.js";
import { tusUpload } from "../tus.js";

/** What this deployment offers when GET /v1/capabilities is not there: the API's defaults only. */
const DEFAULTS = {
  engines: [],
  diarization: { available: true, maxSpeakers: 20 },
  enhancements: { summary: true, notes: true, cleanText: true, translate: { available: false, languages: [] } },
  limits: null,
};

const LANGUAGES = { en: "English", de: "German", fr: "French", es: "Spanish", it: "Italian", nl: "Dutch", pt: "Portuguese" };

function optionsForm(caps) {
  const engines = caps.engines ?? [];
  const langs = [...new Set(engines.flatMap((e) => e.languages ?? []))].filter((l) => l !== "*");
  const language = h("select", { name: "language" }, ...(langs.length ? langs : ["en"]).map((l) => h("option", { value: l }, LANGUAGES[l] ?? l)));
  const parts = [field("Language", language)];
  if (engines.length > 1) {
    parts.push(field("Engine", h("select", { name: "engine" }, ...engines.map((e) => h("option", { value: e.id, selected: e.default }, e.id)))));
  }
  if (caps.diarization?.available) {
    parts.push(
      h(
        "div",
        { class: "check" },
        h("input", { type: "checkbox", name: "diarize", id: "o-diarize", checked: true }),
        h("label", { for: "o-diarize" }, "Tell speakers apart"),
      ),
    );
    parts.push(
      field("Speakers (if known)", h("input", { name: "speakers", type: "number", min: 1, max: caps.diarization.maxSpeakers ?? 20, inputmode: "numeric" })),
    );
  }
  const enh = caps.enhancements ?? {};
  for (const [key, label, ok] of [
    ["summary", "Summary", enh.summary],
    ["notes", "Notes", enh.notes],
    ["clean", "Clean text", enh.cleanText],
  ]) {
    if (ok)
      parts.push(
        h("div", { class: "check" }, h("input", { type: "checkbox", name: `enhance-${key}`, id: `o-${key}` }), h("label", { for: `o-${key}` }, label)),
      );
  }
  return h("fieldset", { class: "options" }, h("legend", {}, "Options"), ...parts);
}

function readOptions(fieldset) {
  const v = Object.fromEntries(new FormData(fieldset.closest("form")));
  const o = { language: v.language ?? "en", diarize: v.diarize === "on", enhance: ["summary", "notes", "clean"].filter((k) => v[`enhance-${k}`] === "on") };
  if (v.engine) o.engine = v.engine;
  if (v.speakers) o.speakers = Number(v.speakers);
  if (!fieldset.querySelector("[name=diarize]")) delete o.diarize;
  return o;
}

/** One file's row: a progress bar with bytes, speed and time left, then a link to its job. */
function uploadRow(file, options, list) {
  const bar = h("progress", { max: 1, value: 0, "aria-label": `Upload of ${file.name}` });
  const info = h("span", { class: "muted" }, "waiting…");
  const controller = new AbortController();
  const cancel = h("button", { type: "button", class: "secondary small", onclick: () => controller.abort() }, "Cancel");
  const row = h(
    "li",
    { class: "upload" },
    h("div", { class: "upload-head" }, h("strong", {}, file.name), h("span", { class: "muted" }, bytes(file.size)), cancel),
    bar,
    info,
  );
  list.append(row);
  let last = null;
  let rate = 0;
  const up = tusUpload(file, {
    options,
    signal: controller.signal,
    onProgress(sent, total) {
      const now = performance.now();
      // Speed smoothed over samples at least 400 ms apart; the first from where this run began (a resume starts mid-file).
      if (!last) last = { t: now, n: sent };
      else if (now - last.t > 400 || (!rate && now > last.t)) {
        const r = ((sent - last.n) * 1000) / (now - last.t);
        rate = rate ? rate * 0.7 + r * 0.3 : r;
        last = { t: now, n: sent };
      }
      bar.value = total ? sent / total : 1;
      info.textContent = `${bytes(sent)} of ${bytes(total)}${rate > 0 ? ` · ${bytes(rate)}/s · ${clock((total - sent) / rate)} left` : ""}`;
    },
  });
  up.done.then(
    (jobId) => {
      bar.value = 1;
      cancel.remove();
      info.replaceChildren("Uploaded · ", h("a", { href: `#/jobs/${jobId}` }, "open the job"));
      row.dataset.jobId = jobId;
      announce(`${file.name} uploaded`);
    },
    (err) => {
      cancel.remove();
      if (err.code === "ABORTED") up.forget();
      info.replaceChildren(alertBox(err.code === "ABORTED" ? "Canceled." : `${err.message} (${err.code})`));
    },
  );
}

export async function uploadPage() {
  const caps = await api("/v1/capabilities").catch((err) => (missing(err) ? DEFAULTS : Promise.reject(err)));
  const input = h("input", { type: "file", multiple: true, id: "files", accept: "audio/*,video/*" });
  const list = h("ul", { class: "uploads", "aria-label": "Uploads" });
  const options = optionsForm(caps);
  const max = caps.limits?.maxUploadBytes;
  const start = (files) => {
    for (const f of files) {
      if (max && f.size > max) list.append(h("li", {}, alertBox(`${f.name} is larger than this server accepts (${bytes(max)}).`)));
      else uploadRow(f, readOptions(options), list);
    }
  };
  const drop = h(
    "label",
    { class: "drop", for: "files" },
    h("strong", {}, "Drop recordings here"),
    h("span", {}, "or choose files (video or audio, several at once)"),
  );
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    start(e.dataTransfer.files);
  });
  input.addEventListener("change", () => {
    start(input.files);
    input.value = "";
  });
  mount(
    h("h1", {}, "Upload"),
    h("form", { class: "card", "aria-label": "Upload recordings", onsubmit: (e) => e.preventDefault() }, options, drop, input),
    max
      ? h("p", { class: "muted" }, `Up to ${bytes(max)} a file. Large files resume after a dropped connection.`)
      : h("p", { class: "muted" }, "Large files resume after a dropped connection."),
    list,
  );
}
