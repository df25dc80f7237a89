import { api, missing } from "../api.js";
import { alertBox, field, h, mount, when } from "../dom.js";

const SCOPES = ["jobs:read", "jobs:write", "webhooks"];

/** API keys: create (the key is shown once), list, revoke. "Not available" where the API lacks them. */
export async function keysPage() {
  const list = h("tbody");
  const out = h("div");
  const load = async () => {
    const { items } = await api("/v1/api-keys");
    list.replaceChildren(
      ...items.map((k) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, k.name),
          h("td", {}, h("code", {}, `${k.prefix}…`)),
          h("td", {}, k.scopes.join(", ")),
          h("td", {}, k.lastUsedAt ? when(k.lastUsedAt) : "never"),
          h(
            "td",
            {},
            h(
              "button",
              {
                type: "button",
                class: "danger small",
                onclick: async () => {
                  if (!confirm(`Revoke the key "${k.name}"?`)) return;
                  await api(`/v1/api-keys/${k.id}`, { method: "DELETE" });
                  await load();
                },
              },
              "Revoke",
            ),
          ),
        ),
      ),
    );
  };
  try {
    await load();
  } catch (err) {
    if (!missing(err)) throw err;
    return void mount(h("h1", {}, "API keys"), alertBox("API keys are not available on this server.", "notice"));
  }
  const name = h("input", { name: "name", required: true, maxlength: 100 });
  const scopes = SCOPES.map((s) =>
    h("div", { class: "check" }, h("input", { type: "checkbox", name: "scope", value: s, id: `s-${s}`, checked: true }), h("label", { for: `s-${s}` }, s)),
  );
  const f = h(
    "form",
    { class: "card narrow", "aria-label": "New API key" },
    field("Name", name),
    h("fieldset", {}, h("legend", {}, "Scopes"), ...scopes),
    h("button", { type: "submit" }, "Create key"),
    out,
  );
  f.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const chosen = [...f.querySelectorAll("input[name=scope]:checked")].map((i) => i.value);
      const key = await api("/v1/api-keys", { method: "POST", body: { name: name.value.trim(), scopes: chosen } });
      out.replaceChildren(alertBox("Copy the key now: it is not shown again.", "notice"), h("code", { class: "secret" }, key.key));
      f.reset();
      await load();
    } catch (err) {
      out.replaceChildren(alertBox(err.message));
    }
  });
  mount(
    h("h1", {}, "API keys"),
    f,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        {},
        h("caption", { class: "visually-hidden" }, "Your API keys"),
        h("thead", {}, h("tr", {}, ...["Name", "Key", "Scopes", "Last used", ""].map((c) => h("th", { scope: "col" }, c)))),
        list,
      ),
    ),
  );
}
