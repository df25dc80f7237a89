import { api, missing } from "../api.js";
import { alertBox, announce, bytes, clock, field, h, mount, when } from "../dom.js";

const ACTIVE = new Set(["queued", "processing"]);
const STAGE = { ingest: "Reading the media", transcribe: "Transcribing", diarize: "Telling speakers apart", enhance: "Finishing" };

function runningStage(job) {
  const s = Object.entries(job.stages ?? {}).find(([, v]) => v.status === "running");
  return s ? (STAGE[s[0]] ?? s[0]) : job.status === "queued" ? "Waiting" : "Working";
}

function eta(job) {
  const q = job.queue;
  if (!q || !ACTIVE.has(job.status)) return "";
  const parts = [];
  if (q.position > 0) parts.push(`${q.position} ahead in the queue`);
  if (q.estimatedFinishAt) parts.push(`done in about ${clock(Math.max(0, (Date.parse(q.estimatedFinishAt) - Date.now()) / 1000))}`);
  return parts.join(" · ");
}

/**
 * The user's jobs, live: an event stream of every job (GET /v1/events with a stream token), or
 * polling GET /v1/jobs every few seconds where the stream is not there.
 */
export async function jobsPage({ params }) {
  const rows = new Map();
  const tbody = h("tbody");
  const notice = h("div");
  const mode = h("p", { class: "muted", id: "live-mode" });
  let status = params.get("status") ?? "";
  let q = params.get("q") ?? "";
  let stopped = false;

  const action = (label, fn, cls = "secondary small") =>
    h(
      "button",
      {
        type: "button",
        class: cls,
        onclick: async (e) => {
          const button = e.currentTarget;
          button.disabled = true;
          try {
            await fn();
          } catch (err) {
            notice.replaceChildren(alertBox(missing(err) ? `${label}: not available on this server (${err.message}).` : err.message));
          } finally {
            button.disabled = false;
          }
        },
      },
      label,
    );

  // Jobs deleted while this page is open: a list read or a job read from before their record is
  // removed (the janitor does that a moment after the DELETE) must not bring their rows back.
  const gone = new Set();
  // Job reads scheduled after events (one per job at a time).
  const pending = new Map();
  const forget = (id) => {
    gone.add(id);
    clearTimeout(pending.get(id));
    pending.delete(id);
    rows.get(id)?.remove();
    rows.delete(id);
  };

  const render = (job) => {
    if (gone.has(job.id)) return;
    const tr = rows.get(job.id) ?? h("tr", { dataset: { key: job.id } });
    const name = job.status === "completed" ? h("a", { href: `#/jobs/${job.id}` }, job.fileName) : job.fileName;
    const progress = h("progress", { max: 1, value: job.progress ?? 0, "aria-label": `Progress of ${job.fileName}` });
    const actions = h(
      "div",
      { class: "row" },
      ACTIVE.has(job.status) ? action("Cancel", async () => render(await api(`/v1/jobs/${job.id}/cancel`, { method: "POST" }))) : null,
      job.status === "failed" ? action("Retry", async () => render(await api(`/v1/jobs/${job.id}/retry`, { method: "POST" }))) : null,
      action(
        "Delete",
        async () => {
          if (!confirm(`Delete ${job.fileName} and its transcript?`)) return;
          await api(`/v1/jobs/${job.id}`, { method: "DELETE" });
          forget(job.id);
          announce(`${job.fileName} deleted`);
        },
        "danger small",
      ),
    );
    tr.replaceChildren(
      h("th", { scope: "row" }, name, h("div", { class: "muted" }, `${bytes(job.sizeBytes)} · ${when(job.createdAt)}`)),
      h("td", {}, h("span", { class: `pill ${job.status}` }, job.status), job.error ? h("div", { class: "muted" }, job.error.code) : null),
      h(
        "td",
        {},
        ACTIVE.has(job.status) ? [runningStage(job), progress, h("div", { class: "muted" }, eta(job))] : job.media ? clock(job.media.durationSec) : "",
      ),
      h("td", {}, actions),
    );
    if (!rows.has(job.id)) {
      rows.set(job.id, tr);
      tbody.prepend(tr);
    }
  };

  const refresh = (id) => {
    if (pending.has(id) || gone.has(id)) return;
    pending.set(
      id,
      setTimeout(async () => {
        pending.delete(id);
        try {
          render(await api(`/v1/jobs/${id}`));
        } catch (err) {
          if (err.status === 404) forget(id);
        }
      }, 300),
    );
  };

  // Jobs with an event while the list loads: the list may predate the event, so each is read again after it.
  let changedWhileLoading = null;
  // List reads started: only the latest one renders.
  let loads = 0;
  const load = async () => {
    const mine = ++loads;
    const changed = new Set();
    changedWhileLoading = changed;
    const qs = new URLSearchParams({ limit: "50", ...(status ? { status } : {}), ...(q ? { q } : {}) });
    let page;
    try {
      page = await api(`/v1/jobs?${qs}`);
    } finally {
      if (changedWhileLoading === changed) changedWhileLoading = null;
    }
    if (mine !== loads) {
      for (const id of changed) changedWhileLoading?.add(id); // the newer read sees them
      return;
    }
    tbody.replaceChildren();
    rows.clear();
    for (const job of page.items.reverse()) render(job);
    // The list has no queue estimates; the job view of each running job has.
    for (const job of page.items) if (ACTIVE.has(job.status)) refresh(job.id);
    for (const id of changed) refresh(id);
    document.body.dataset.jobs = "loaded";
  };

  let source = null;
  let poll = null;
  // The id of the last event seen: a new stream resumes after it, so a break loses nothing.
  let lastEventId = "";
  /** Opens the stream; resolves once it is open (or has failed, or after 5 s), so a list read then misses no event. */
  const live = async () => {
    try {
      const { token } = await api("/v1/auth/stream-token", { method: "POST" });
      const resume = lastEventId ? `&last_event_id=${encodeURIComponent(lastEventId)}` : "";
      source = new EventSource(`/v1/events?access_token=${encodeURIComponent(token)}${resume}`);
      const opened = new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, 5000);
        source.addEventListener("open", done, { once: true });
        source.addEventListener("error", done, { once: true });
      });
      // A stream that opens after the list was read, with no event to resume from (the first one
      // failed or was slow, or broke before any event): what happened in between is read again.
      source.addEventListener("open", () => {
        if (loads > 0 && !lastEventId) load().catch(() => undefined);
      });
      mode.textContent = "Live updates.";
      // Some missed events could not be replayed: read the list again.
      source.addEventListener("resync", () => load().catch(() => undefined));
      const onEvent = (e) => {
        if (e.lastEventId) lastEventId = e.lastEventId;
        const ev = JSON.parse(e.data);
        document.body.dataset.lastEvent = `${ev.type} ${ev.jobId}`; // what this page has seen (its tests wait on it)
        if (ev.type === "completed") announce("A job completed");
        if (ev.type === "deleted") forget(ev.jobId);
        else if (changedWhileLoading) changedWhileLoading.add(ev.jobId);
        else refresh(ev.jobId);
      };
      for (const t of ["queued", "stage.started", "progress", "stage.done", "completed", "failed", "canceled", "transcript.updated", "deleted"])
        source.addEventListener(t, onEvent);
      // A stream token lives 60 s: after a break, reconnect with a fresh one, from the last event seen.
      source.onerror = () => {
        source.close();
        if (!stopped) setTimeout(live, 2000);
      };
      await opened;
    } catch (err) {
      if (!missing(err)) throw err;
      mode.textContent = "Updates every 3 seconds.";
      poll = setInterval(() => {
        if (!document.hidden) load().catch(() => undefined);
      }, 3000);
    }
  };

  const statusSelect = h(
    "select",
    {
      name: "status",
      onchange: (e) => {
        status = e.target.value;
        load();
      },
    },
    h("option", { value: "" }, "All"),
    ...["queued", "processing", "completed", "failed", "canceled"].map((s) => h("option", { value: s, selected: s === status }, s)),
  );
  const search = h("input", { type: "search", name: "q", value: q, maxlength: 200, placeholder: "file name" });
  search.addEventListener("change", () => {
    q = search.value.trim();
    load();
  });
  mount(
    h("h1", {}, "Jobs"),
    h("div", { class: "row filters" }, field("Status", statusSelect), field("Find by name", search), h("a", { class: "button", href: "#/upload" }, "Upload")),
    notice,
    mode,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "jobs" },
        h("caption", { class: "visually-hidden" }, "Your jobs, newest first"),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "File"),
            h("th", { scope: "col" }, "Status"),
            h("th", { scope: "col" }, "Progress or length"),
            h("th", { scope: "col" }, "Actions"),
          ),
        ),
        tbody,
      ),
    ),
  );
  // The stream first, then the list: an event after the list was read arrives on the stream.
  try {
    await live();
  } catch (err) {
    // No stream token (a network error, a limit): the list still shows; a reload tries live updates again.
    notice.replaceChildren(alertBox(`Live updates are off: ${err.message}`));
  }
  await load();
  return () => {
    stopped = true;
    source?.close();
    clearInterval(poll);
    for (const t of pending.values()) clearTimeout(t);
  };
}
