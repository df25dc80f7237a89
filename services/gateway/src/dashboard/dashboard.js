// MP4toText admin dashboard: vanilla JS, no build step. Everything shown comes from the admin
// API with the bearer token kept in localStorage; text is set with textContent, never as HTML.
"use strict";

const TOKEN_KEY = "mp4t.dashboard.token";
const REFRESH_KEY = "mp4t.dashboard.refresh";
const REFRESH_MS = 3000;
const $ = (id) => document.getElementById(id);
let timer;
let lanesApi = "unknown"; // the lane-profiles endpoint, when the gateway has one

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

function table(target, columns, rows, empty = "nothing here") {
  const t = $(target);
  t.replaceChildren(
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        columns.map((c) => el("th", { class: c.num ? "num" : "" }, c.label)),
      ),
    ),
    el(
      "tbody",
      {},
      rows.length
        ? rows.map((r) =>
            el(
              "tr",
              { "data-key": r.key ?? "" },
              columns.map((c) => el("td", { class: c.num ? "num" : "", title: c.title?.(r) }, c.cell(r))),
            ),
          )
        : el("tr", {}, el("td", { colspan: columns.length, class: "muted" }, empty)),
    ),
  );
}

const pill = (text, cls = text) => el("span", { class: `pill ${cls}` }, text);
function bar(f) {
  const fill = el("i");
  fill.style.width = `${Math.round(Math.max(0, Math.min(1, f)) * 100)}%`; // CSSOM, which the CSP allows
  return el("span", { class: "bar" }, fill);
}
const secs = (s) => (s === null || s === undefined ? "–" : s < 1 ? `${Math.round(s * 1000)} ms` : s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`);
const pct = (f) => (f === null || f === undefined ? "–" : `${(f * 100).toFixed(1)} %`);
const ago = (iso) => (iso ? secs((Date.now() - Date.parse(iso)) / 1000) + " ago" : "–");

const keepTokens = (body) => (localStorage.setItem(TOKEN_KEY, body.token), localStorage.setItem(REFRESH_KEY, body.refreshToken));

/** Access tokens live minutes: on a 401, rotate the refresh token once and retry. */
let rotating = null;
async function rotateTokens() {
  const refreshToken = localStorage.getItem(REFRESH_KEY);
  if (!refreshToken) return false;
  const init = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ refreshToken }) };
  rotating ??= fetch("/v1/auth/refresh", init)
    .then(
      async (res) => res.ok && (keepTokens(await res.json()), true),
      () => false,
    )
    .finally(() => (rotating = null));
  return rotating;
}

async function api(path, init = {}, retried = false) {
  const token = localStorage.getItem(TOKEN_KEY);
  const headers = new Headers(init.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (init.body) headers.set("content-type", "application/json");
  const res = await fetch(path, { ...init, headers });
  const body = await res.json().catch(() => null);
  if (res.status === 401) {
    if (!retried && (await rotateTokens())) return api(path, init, true);
    logout("Your session expired; log in again.");
    throw new Error("unauthorized");
  }
  return { ok: res.ok, status: res.status, body };
}

function claims() {
  try {
    return JSON.parse(atob(localStorage.getItem(TOKEN_KEY).split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    return null;
  }
}

function showApp(on) {
  $("login-view").hidden = on;
  $("app-view").hidden = !on;
  $("logout").hidden = !on;
  $("who").textContent = on ? (claims()?.email ?? "") : "";
}

function logout(message = "") {
  const token = localStorage.getItem(TOKEN_KEY);
  // End the session on the server too (best effort); the tokens are forgotten either way.
  if (token && message === "") void fetch("/v1/auth/logout", { method: "POST", headers: { authorization: `Bearer ${token}` } }).catch(() => {});
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(REFRESH_KEY);
  clearInterval(timer);
  showApp(false);
  $("login-error").textContent = message;
  $("status").textContent = "…";
  $("status").className = "pill";
}

async function login(ev) {
  ev.preventDefault();
  const form = new FormData(ev.target);
  $("login-error").textContent = "";
  const res = await fetch("/v1/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) return void ($("login-error").textContent = body?.error?.message ?? `login failed (${res.status})`);
  keepTokens(body);
  if (claims()?.role !== "admin") return logout("This account is not an admin.");
  start();
}

function renderHealth(h) {
  $("status").textContent = h.status;
  $("status").className = `pill ${h.status}`;
  $("problems").textContent = h.problems.join(" · ");
}

function renderTiles(h, m, deadLetters) {
  const tiles = [
    ["Success rate", pct(m.successRate)],
    ["Completed", m.jobs.completed],
    ["Failed", m.jobs.failed],
    ["Active jobs", m.jobs.active + m.jobs.queued],
    ["In flight (tasks)", h.tasks.active],
    ["Throughput", `${m.throughputPerMin.completed}/min`],
    ["Dead letters", deadLetters ?? "–"],
    ["NATS RTT", h.nats.rttMs === null ? "down" : `${h.nats.rttMs} ms`],
  ];
  $("tiles").replaceChildren(...tiles.map(([k, v]) => el("div", { class: "tile" }, el("div", { class: "v" }, v), el("div", { class: "k" }, k))));
}

function renderServices(list) {
  $("svc-count").textContent = `${new Set(list.map((s) => s.name)).size} services · ${list.length} instances`;
  table(
    "services",
    [
      { label: "service", cell: (s) => s.name },
      { label: "instance", cell: (s) => s.id.slice(-8), title: (s) => s.id },
      { label: "host / pid", cell: (s) => `${s.host ?? "?"} / ${s.pid ?? "?"}` },
      { label: "lanes", cell: (s) => s.lanes.join(", ") || "http" },
      { label: "load", cell: (s) => load(s) },
      { label: "processed", num: true, cell: (s) => sum(s, "processed") },
      { label: "failed", num: true, cell: (s) => sum(s, "failed") },
      { label: "memory", num: true, cell: (s) => (s.stats?.rssBytes ? `${Math.round(s.stats.rssBytes / 2 ** 20)} MiB` : "–") },
      { label: "uptime", num: true, cell: (s) => secs(s.stats?.uptimeSec ?? null) },
    ],
    list.map((s) => ({ ...s, key: s.name })),
    "no live instances",
  );
}
const workersOf = (s) => (Array.isArray(s.stats?.workers) ? s.stats.workers : []);
const sum = (s, k) => workersOf(s).reduce((a, w) => a + (w[k] ?? 0), 0);
function load(s) {
  const ws = workersOf(s);
  if (!ws.length) return s.stats?.http ? `${s.stats.http.requests} requests` : "–";
  const inFlight = sum(s, "inFlight");
  const cap = sum(s, "concurrency") || 1;
  return el("span", {}, bar(inFlight / cap), ` ${inFlight}/${cap}`);
}

function renderLanes(queues) {
  const lanes = [...new Set(queues.map((q) => q.lane))];
  const paused = (lane) => queues.some((q) => q.lane === lane && q.paused);
  table(
    "lanes",
    [
      { label: "lane", cell: (q) => q.lane },
      { label: "stage", cell: (q) => q.stage },
      { label: "interactive", num: true, cell: (q) => q.byClass.interactive ?? 0 },
      { label: "batch", num: true, cell: (q) => q.byClass.batch ?? 0 },
      { label: "waiting", num: true, cell: (q) => q.pending },
      { label: "in progress", num: true, cell: (q) => q.ackPending },
      { label: "redelivered", num: true, cell: (q) => q.redelivered },
      { label: "oldest", num: true, cell: (q) => secs(q.oldestAgeSec) },
      { label: "state", cell: (q) => (q.paused ? pill("paused") : q.consumerExists ? pill("running", "ok") : pill("no consumer", "")) },
      {
        label: "",
        cell: (q) =>
          queues.find((x) => x.lane === q.lane).stage !== q.stage
            ? ""
            : paused(q.lane)
              ? el(
                  "button",
                  { class: "secondary", "data-action": "resume", "data-lane": q.lane, onclick: () => laneAction(q.lane, "resume") },
                  `Resume ${q.lane}`,
                )
              : el(
                  "button",
                  { class: "secondary", "data-action": "pause", "data-lane": q.lane, onclick: () => laneAction(q.lane, "pause") },
                  `Pause ${q.lane}`,
                ),
      },
    ],
    lanes.flatMap((l) => queues.filter((q) => q.lane === l)).map((q) => ({ ...q, key: q.stage })),
  );
}

async function laneAction(lane, action) {
  const r = await api(`/v1/admin/lanes/${lane}/${action}`, { method: "POST", body: action === "pause" ? "{}" : undefined });
  $("problems").textContent = r.ok ? "" : (r.body?.error?.message ?? `${action} failed`);
  refresh();
}

async function renderLaneProfiles() {
  if (lanesApi === "absent") return;
  const r = await api("/v1/admin/lanes").catch(() => null);
  if (!r || r.status === 404) return void (lanesApi = "absent");
  lanesApi = "present";
  const rows = Array.isArray(r.body) ? r.body : Array.isArray(r.body?.items) ? r.body.items : Array.isArray(r.body?.lanes) ? r.body.lanes : [];
  const scalar = (v) => (v === null || typeof v !== "object" ? v : JSON.stringify(v));
  const keys = [...new Set(rows.flatMap((x) => Object.keys(x)))].slice(0, 9);
  const holder = $("lane-profiles");
  if (!rows.length) return void holder.replaceChildren();
  const t = el("table", { id: "lane-profiles-table" });
  holder.replaceChildren(el("h2", {}, "Lane profiles ", el("span", { class: "muted" }, "/v1/admin/lanes")), t);
  table(
    "lane-profiles-table",
    keys.map((k) => ({ label: k, cell: (x) => scalar(x[k]) ?? "" })),
    rows,
  );
}

function renderStages(m) {
  table(
    "latency",
    [
      { label: "stage", cell: (s) => s.stage },
      { label: "runs", num: true, cell: (s) => s.count },
      { label: "avg", num: true, cell: (s) => secs(s.avgSec) },
      { label: "p50", num: true, cell: (s) => secs(s.p50Sec) },
      { label: "p95", num: true, cell: (s) => secs(s.p95Sec) },
    ],
    m.stageLatency,
    "no finished stages yet",
  );
  table(
    "stages",
    [
      { label: "stage", cell: (s) => s.stage },
      { label: "in flight", num: true, cell: (s) => s.inFlight },
      { label: "processed", num: true, cell: (s) => s.processed },
      { label: "retried", num: true, cell: (s) => s.retried },
      { label: "failed", num: true, cell: (s) => s.failed },
      { label: "dead-lettered", num: true, cell: (s) => s.deadLettered },
    ],
    m.stages,
    "no workers reporting",
  );
}

function renderJobs(jobs) {
  table(
    "jobs",
    [
      { label: "job", cell: (j) => j.id, title: (j) => j.id },
      { label: "status", cell: (j) => pill(j.status) },
      { label: "stage", cell: (j) => j.stage ?? "–" },
      { label: "progress", cell: (j) => el("span", {}, bar(j.progress), ` ${Math.round(j.progress * 100)} %`) },
      { label: "updated", cell: (j) => ago(j.updatedAt) },
      { label: "error", cell: (j) => (j.error ? `${j.error.code}: ${j.error.message}` : ""), title: (j) => j.error?.message },
    ],
    jobs.map((j) => ({ ...j, key: j.id })),
    "no jobs in the recent events",
  );
}

async function renderDeadLetters() {
  const r = await api("/v1/admin/dead-letters?limit=20");
  if (!r.ok) {
    table("dead-letters", [{ label: "", cell: () => "" }], [], r.status === 404 ? "dead-letter API not available" : `could not load (${r.status})`);
    return null;
  }
  const items = r.body.items;
  $("dl-count").textContent = `${items.length}${r.body.next ? "+" : ""} stored`;
  table(
    "dead-letters",
    [
      { label: "seq", num: true, cell: (d) => d.seq },
      { label: "stage", cell: (d) => d.stage },
      { label: "error", cell: (d) => `${d.error.code}: ${d.error.message}`, title: (d) => d.error.message },
      { label: "deliveries", num: true, cell: (d) => d.deliveries },
      { label: "job", cell: (d) => d.job?.jobId ?? "poison" },
      { label: "when", cell: (d) => ago(d.time) },
      {
        label: "",
        cell: (d) =>
          el(
            "button",
            {
              "data-action": "redrive",
              "data-seq": d.seq,
              disabled: !d.redrivable,
              title: d.redrivable ? "put the message back on its lane; the job resumes at this stage" : "not a valid command: inspect it instead",
              onclick: () => redrive(d.seq),
            },
            "Re-drive",
          ),
      },
    ],
    items.map((d) => ({ ...d, key: String(d.seq) })),
    "no dead letters",
  );
  return items.length;
}

async function redrive(seq) {
  const r = await api(`/v1/admin/dead-letters/${seq}/redrive`, { method: "POST" });
  $("dl-message").textContent = r.ok ? `Dead letter ${seq} re-driven.` : `Re-drive of ${seq} failed: ${r.body?.error?.message ?? r.status}`;
  refresh();
}

let refreshing = false;
async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    const [h, m, s] = await Promise.all([api("/v1/admin/health"), api("/v1/admin/metrics"), api("/v1/admin/services")]);
    if (h.status === 403) return logout("This account is not an admin.");
    if (h.ok) renderHealth(h.body);
    if (s.ok) renderServices(s.body);
    if (m.ok) {
      renderLanes(m.body.queues);
      renderStages(m.body);
      renderJobs(m.body.recentJobs);
    }
    const dl = await renderDeadLetters();
    if (h.ok && m.ok) renderTiles(h.body, m.body, dl);
    await renderLaneProfiles();
    await renderHistoryCharts();
    $("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.loaded = "true";
  } catch (err) {
    if (err.message !== "unauthorized") $("problems").textContent = `refresh failed: ${err.message}`;
  } finally {
    refreshing = false;
  }
}

function start() {
  showApp(true);
  clearInterval(timer);
  refresh();
  timer = setInterval(refresh, REFRESH_MS);
}

document.addEventListener("DOMContentLoaded", () => {
  $("login").addEventListener("submit", login);
  $("logout").addEventListener("click", () => logout());
  if (localStorage.getItem(TOKEN_KEY) && claims()?.role === "admin" && claims().exp * 1000 > Date.now()) start();
  else logout();
});
