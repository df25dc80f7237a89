import { session } from "./api.js";
import { alertBox, h, mount } from "./dom.js";

/**
 * Hash routes (#/jobs, #/jobs/<id>?t=12.5, ...): each page is a module loaded when first
 * visited, so the first load carries only the shell, the API client and the sign-in page.
 */
const ROUTES = [
  [/^\/signin$/, "auth.js", "signInPage", false],
  [/^\/signup$/, "auth.js", "signUpPage", false],
  [/^\/account$/, "auth.js", "accountPage", true],
  [/^\/upload$/, "upload.js", "uploadPage", true],
  [/^\/jobs$/, "jobs.js", "jobsPage", true],
  [/^\/jobs\/([0-9a-z]{26})$/, "transcript.js", "transcriptPage", true],
  [/^\/search$/, "search.js", "searchPage", true],
  [/^\/keys$/, "keys.js", "keysPage", true],
  [/^\/webhooks$/, "webhooks.js", "webhooksPage", true],
];

let leave = null;
/** Counts route changes: a page that finishes loading after the user moved on is stopped at once, not shown. */
let current = 0;

async function route() {
  const [path, query = ""] = (location.hash.slice(1) || "/jobs").split("?");
  const params = new URLSearchParams(query);
  const match = ROUTES.map(([re, file, fn, auth]) => ({ m: re.exec(path), file, fn, auth })).find((r) => r.m);
  if (!match) return void (location.hash = session.signedIn ? "#/jobs" : "#/signin");
  if (match.auth && !session.signedIn) return void (location.hash = "#/signin");
  if (!match.auth && session.signedIn) return void (location.hash = "#/jobs");
  leave?.();
  leave = null;
  document.getElementById("nav").hidden = !session.signedIn;
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.getAttribute("href") === `#${path}` || (path.startsWith("/jobs/") && a.getAttribute("href") === "#/jobs")) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const mine = ++current;
  try {
    const page = await import(`./pages/${match.file}`);
    const stop = (await page[match.fn]({ args: match.m.slice(1), params })) ?? null;
    if (mine === current) leave = stop;
    else stop?.();
  } catch (err) {
    if (mine === current) mount(h("h1", {}, "Something went wrong"), alertBox(err.message));
  }
}

session.onChange(() => {
  if (!session.signedIn) location.hash = "#/signin";
});
addEventListener("hashchange", route);
route();
