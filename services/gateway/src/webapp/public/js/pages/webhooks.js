import { api, missing } from "../api.js";
import { alertBox, field, h, mount, when } from "../dom.js";

const EVENTS = ["job.completed", "job.failed", "job.canceled"];

/** Webhooks: add (the signing secret is shown once), list with recent deliveries, enable, delete. */
export async function webhooksPage() {
  const list = h("div");
  const out = h("div");
  const deliveries = async (hook, slot) => {
    const { items } = await api(`/v1/webhooks/${hook.id}/deliveries`);
    slot.replaceChildren(
      items.length === 0
        ? h("p", { class: "muted" }, "No deliveries yet.")
        : h(
            "ul",
            {},
            ...items
              .slice(0, 10)
              .map((d) =>
                h(
                  "li",
                  {},
                  `${d.event} · ${d.status} · ${d.attempts} attempt${d.attempts === 1 ? "" : "s"}${d.lastStatusCode ? ` · HTTP ${d.lastStatusCode}` : ""} · ${when(d.updatedAt)}`,
                ),
              ),
          ),
    );
  };
  const load = async () => {
    const { items } = await api("/v1/webhooks");
    list.replaceChildren(
      ...items.map((w) => {
        const slot = h("div");
        return h(
          "section",
          { class: "card" },
          h("h2", {}, w.url),
          h("p", { class: "muted" }, `${w.events.join(", ")} · ${w.enabled ? "enabled" : `disabled${w.disabledReason ? `: ${w.disabledReason}` : ""}`}`),
          h(
            "div",
            { class: "row" },
            h(
              "button",
              { type: "button", class: "secondary small", onclick: () => deliveries(w, slot).catch((e) => slot.replaceChildren(alertBox(e.message))) },
              "Deliveries",
            ),
            h(
              "button",
              {
                type: "button",
                class: "secondary small",
                onclick: async () => {
                  await api(`/v1/webhooks/${w.id}`, { method: "PATCH", body: { enabled: !w.enabled } });
                  await load();
                },
              },
              w.enabled ? "Disable" : "Enable",
            ),
            h(
              "button",
              {
                type: "button",
                class: "danger small",
                onclick: async () => {
                  if (confirm(`Delete the webhook to ${w.url}?`)) {
                    await api(`/v1/webhooks/${w.id}`, { method: "DELETE" });
                    await load();
                  }
                },
              },
              "Delete",
            ),
          ),
          slot,
        );
      }),
    );
  };
  try {
    await load();
  } catch (err) {
    if (!missing(err)) throw err;
    return void mount(h("h1", {}, "Webhooks"), alertBox("Webhooks are not available on this server.", "notice"));
  }
  const url = h("input", { name: "url", type: "url", required: true, maxlength: 2048, placeholder: "https://example.com/hooks/mp4t" });
  const events = EVENTS.map((e) =>
    h(
      "div",
      { class: "check" },
      h("input", { type: "checkbox", name: "event", value: e, id: `e-${e}`, checked: e === "job.completed" }),
      h("label", { for: `e-${e}` }, e),
    ),
  );
  const f = h(
    "form",
    { class: "card narrow", "aria-label": "New webhook" },
    field("URL", url),
    h("fieldset", {}, h("legend", {}, "Events"), ...events),
    h("button", { type: "submit" }, "Add webhook"),
    out,
  );
  f.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const chosen = [...f.querySelectorAll("input[name=event]:checked")].map((i) => i.value);
      const hook = await api("/v1/webhooks", { method: "POST", body: { url: url.value.trim(), events: chosen } });
      out.replaceChildren(alertBox("Copy the signing secret now: it is not shown again.", "notice"), h("code", { class: "secret" }, hook.secret));
      f.reset();
      await load();
    } catch (err) {
      out.replaceChildren(alertBox(err.message));
    }
  });
  mount(h("h1", {}, "Webhooks"), f, list);
}
