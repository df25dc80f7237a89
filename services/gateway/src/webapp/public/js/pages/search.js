import { api } from "../api.js";
import { alertBox, clock, field, h, mount } from "../dom.js";

/** `**match**` marks from the API to <mark>, without ever parsing HTML. */
const highlighted = (snippet) => snippet.split("**").map((part, i) => (i % 2 ? h("mark", {}, part) : part));

/** Search across one's transcripts; a hit opens the transcript at its second. */
export async function searchPage({ params }) {
  const q = params.get("q") ?? "";
  const input = h("input", { type: "search", name: "q", value: q, required: true, maxlength: 200, autocomplete: "off" });
  const results = h("div", { "aria-live": "polite" });
  const f = h("form", { class: "row search", role: "search" }, field("Search your transcripts", input), h("button", { type: "submit" }, "Search"));
  f.addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = `#/search?q=${encodeURIComponent(input.value.trim())}`;
  });
  mount(h("h1", {}, "Search"), f, results);
  if (!q) return;
  try {
    const page = await api(`/v1/search?q=${encodeURIComponent(q)}&limit=50`);
    results.replaceChildren(
      h(
        "p",
        { class: "muted" },
        page.items.length
          ? `${page.items.length}${page.next ? "+" : ""} ${page.items.length === 1 && !page.next ? "match" : "matches"} for “${q}”`
          : `No matches for “${q}”.`,
      ),
      h(
        "ol",
        { class: "hits" },
        ...page.items.map((hit) =>
          h(
            "li",
            {},
            h(
              "a",
              { href: `#/jobs/${hit.jobId}?t=${hit.start}` },
              h("strong", {}, hit.fileName),
              ` at ${clock(hit.start)}`,
              hit.speaker ? ` · ${hit.speaker}` : "",
            ),
            h("p", {}, ...highlighted(hit.snippet)),
          ),
        ),
      ),
    );
  } catch (err) {
    results.replaceChildren(alertBox(err.message));
  }
  input.focus();
}
