/**
 * API v1 from the browser: the access token lives in memory, the refresh token in localStorage
 * (the strict CSP leaves no inline or foreign script to read it). A 401 refreshes once, rotating
 * the refresh token; a failed refresh signs out.
 */
const KEY = "mp4t.session";
let access = null;
let refreshing = null;
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  get email() {
    return JSON.parse(localStorage.getItem(KEY) ?? "null")?.email ?? null;
  },
  get signedIn() {
    return localStorage.getItem(KEY) !== null;
  },
  onChange(fn) {
    listeners.add(fn);
  },
};

function save(tokens, email) {
  access = tokens.token;
  localStorage.setItem(KEY, JSON.stringify({ refreshToken: tokens.refreshToken, email }));
  for (const fn of listeners) fn();
}

export function clearSession() {
  access = null;
  localStorage.removeItem(KEY);
  for (const fn of listeners) fn();
}

async function refresh() {
  const stored = JSON.parse(localStorage.getItem(KEY) ?? "null");
  if (!stored) throw new ApiError(401, "UNAUTHORIZED", "Please sign in.");
  refreshing ??= fetch("/v1/auth/refresh", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refreshToken: stored.refreshToken }),
  })
    .then(async (res) => {
      if (!res.ok) {
        clearSession();
        throw new ApiError(401, "UNAUTHORIZED", "Your session ended; please sign in again.");
      }
      save(await res.json(), stored.email);
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/** A valid access token (refreshing when there is none yet). */
export async function token() {
  if (!access) await refresh();
  return access;
}

async function errorOf(res) {
  const body = await res.json().catch(() => null);
  return new ApiError(res.status, body?.error?.code ?? "HTTP_" + res.status, body?.error?.message ?? res.statusText);
}

/**
 * Calls the API. JSON bodies are sent as JSON; answers are parsed as JSON unless `as` says
 * "text", "blob" or "response". Throws ApiError with the API's code.
 */
export async function api(path, { method = "GET", body, headers = {}, as = "json", auth = true } = {}) {
  const send = async () => {
    const h = { ...headers };
    if (auth) h.authorization = `Bearer ${await token()}`;
    if (body !== undefined) h["content-type"] = "application/json";
    return fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  };
  let res = await send();
  if (res.status === 401 && auth) {
    access = null;
    res = await send();
  }
  if (!res.ok && res.status !== 304) throw await errorOf(res);
  if (as === "response") return res;
  if (res.status === 204) return null;
  if (as === "text") return res.text();
  if (as === "blob") return res.blob();
  return res.json();
}

export async function signIn(email, password) {
  const tokens = await api("/v1/auth/login", { method: "POST", body: { email, password }, auth: false });
  save(tokens, email);
}

export async function signOut() {
  await api("/v1/auth/logout", { method: "POST", body: {} }).catch(() => undefined);
  clearSession();
}

/** A 404 means the deployment does not have this part of the API (yet): the page says so. */
export const missing = (err) => err instanceof ApiError && err.status === 404;
