/** A tiny element builder: h("button", {class: "x", onclick}, "text", child). No innerHTML anywhere. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** Replaces the page's content and moves focus to it (screen readers announce the new page). */
export function mount(...children) {
  const view = document.getElementById("view");
  view.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
  const heading = view.querySelector("h1");
  if (heading) document.title = `${heading.textContent} · MP4toText`;
  view.focus({ preventScroll: true });
  return view;
}

/** Politely tells screen readers (and shows nothing). */
export const announce = (text) => {
  document.getElementById("status").textContent = text;
};

export function bytes(n) {
  if (!(n >= 0)) return "";
  const u = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  for (; n >= 1000 && i < u.length - 1; i++) n /= 1000;
  return `${n >= 100 || i === 0 ? Math.round(n) : n.toFixed(1)} ${u[i]}`;
}

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function clock(sec) {
  if (!(sec >= 0) || !Number.isFinite(sec)) return "–";
  const s = Math.floor(sec % 60),
    m = Math.floor(sec / 60) % 60,
    hr = Math.floor(sec / 3600);
  const pad = (x) => String(x).padStart(2, "0");
  return hr ? `${hr}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

export const when = (iso) => (iso ? new Date(iso).toLocaleString() : "");

/** A form field with its label (and an optional hint tied by aria-describedby). */
export function field(label, input, hint) {
  const id = input.id || (input.id = `f-${Math.random().toString(36).slice(2, 8)}`);
  const hintEl = hint ? h("small", { id: `${id}-hint`, class: "hint" }, hint) : null;
  if (hintEl) input.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: id }, label), input, hintEl);
}

/** An error or notice line; role=alert so it is read out at once. */
export const alertBox = (text, kind = "error") => h("p", { class: `alert ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
