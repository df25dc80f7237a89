// Charts for the last hour, drawn as small SVGs (no library) from GET /v1/admin/metrics/history.
// A classic script beside dashboard.js: it uses that file's api() and el().
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const STAGE_COLOURS = { ingest: "#2b6cb0", transcribe: "#b7791f", assemble: "#2c7a7b", diarize: "#1f8a4c", enhance: "#805ad5" };
const HISTORY_MS = 30_000;
let historyAt = 0;

function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  for (const c of children) e.append(c);
  return e;
}

/**
 * One chart: `series` [{name, colour, values[]}] over the buckets, as bars (stacked) or lines,
 * with the largest value on the axis and the hour's start and end under it.
 */
function chart(title, buckets, series, kind, unit) {
  const W = 360,
    H = 120,
    L = 34,
    B = 16;
  const n = buckets.length;
  const top =
    kind === "bars"
      ? Math.max(1, ...buckets.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0)))
      : Math.max(1, ...series.flatMap((x) => x.values.filter((v) => v !== null)));
  const x = (i) => L + ((W - L) * i) / n;
  const y = (v) => H - B - ((H - B - 4) * v) / top;
  const g = svg("g");
  if (kind === "bars") {
    buckets.forEach((_, i) => {
      let base = 0;
      for (const s of series) {
        const v = s.values[i] ?? 0;
        if (v > 0) g.append(svg("rect", { x: x(i) + 0.5, y: y(base + v), width: Math.max(1, (W - L) / n - 1), height: y(base) - y(base + v), fill: s.colour }));
        base += v;
      }
    });
  } else {
    for (const s of series) {
      const pts = s.values.map((v, i) => (v === null ? null : [x(i + 0.5), y(v)])).filter(Boolean);
      if (pts.length > 1)
        g.append(
          svg("polyline", { points: pts.map((p) => p.map((c) => c.toFixed(1)).join(",")).join(" "), fill: "none", stroke: s.colour, "stroke-width": 2 }),
        );
      // A dot per minute with data, so a lone minute (one job in the hour) still shows.
      for (const [cx, cy] of pts) if (cy < H - B) g.append(svg("circle", { cx: cx.toFixed(1), cy: cy.toFixed(1), r: 2.5, fill: s.colour }));
    }
  }
  const time = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const axis = [
    svg("line", { x1: L, y1: H - B, x2: W, y2: H - B, stroke: "#aab2c5" }),
    svg("text", { x: L - 4, y: 12, "text-anchor": "end", "font-size": 10, fill: "#6b7385" }, `${Math.round(top * 10) / 10}${unit}`),
    svg("text", { x: L - 4, y: H - B, "text-anchor": "end", "font-size": 10, fill: "#6b7385" }, "0"),
    svg("text", { x: L, y: H - 2, "font-size": 10, fill: "#6b7385" }, n ? time(buckets[0].at) : ""),
    svg("text", { x: W, y: H - 2, "text-anchor": "end", "font-size": 10, fill: "#6b7385" }, "now"),
  ];
  const totals = series
    .map(
      (s) =>
        `${s.name} ${kind === "bars" ? s.values.reduce((a, b) => a + (b ?? 0), 0) : Math.round(Math.max(0, ...s.values.filter((v) => v !== null)) * 10) / 10}`,
    )
    .join(", ");
  const label = `${title}: ${totals || "no data"}`;
  const picture = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, class: "chart" }, svg("title", {}, label), ...axis, g);
  const legend = el(
    "div",
    { class: "legend" },
    series.map((s) => {
      const dot = el("i");
      dot.style.background = s.colour; // CSSOM, which the CSP allows
      return el("span", {}, dot, s.name);
    }),
  );
  return el("figure", { class: "chart-box" }, el("figcaption", {}, title), picture, legend);
}

async function renderHistoryCharts(force = false) {
  if (!force && Date.now() - historyAt < HISTORY_MS) return;
  historyAt = Date.now();
  const r = await api("/v1/admin/metrics/history?minutes=60");
  const box = document.getElementById("charts");
  if (!r.ok) return void box.replaceChildren(el("p", { class: "muted" }, `history unavailable (${r.status})`));
  const b = r.body.buckets;
  const stages = Object.keys(STAGE_COLOURS);
  box.replaceChildren(
    chart(
      "Throughput (jobs a minute)",
      b,
      [
        { name: "completed", colour: "#1f8a4c", values: b.map((x) => x.completed) },
        { name: "failed", colour: "#c53030", values: b.map((x) => x.failed) },
      ],
      "bars",
      "",
    ),
    chart(
      "Stage latency (mean seconds)",
      b,
      stages.map((s) => ({ name: s, colour: STAGE_COLOURS[s], values: b.map((x) => x.stageLatencySec[s] ?? null) })),
      "lines",
      " s",
    ),
    chart(
      "Backlog (jobs waiting per stage)",
      b,
      stages.map((s) => ({ name: s, colour: STAGE_COLOURS[s], values: b.map((x) => x.waiting[s] ?? 0) })),
      "lines",
      "",
    ),
  );
}
