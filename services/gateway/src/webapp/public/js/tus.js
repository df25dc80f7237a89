import { ApiError, token } from "./api.js";

/**
 * A small tus 1.0.0 client (creation, core, termination) for /v1/uploads: chunks sent by
 * XMLHttpRequest for upload progress; after a broken connection it asks the server for its
 * offset (HEAD) and carries on from there, with growing pauses. The upload URL is remembered
 * per file, so a reload resumes too. Resolves to the job id the last PATCH names.
 */
const CHUNK = 8 * 1024 * 1024;
const RETRY_MS = [1000, 3000, 5000, 10000, 20000, 30000];
const remembered = (file) => `mp4t.tus.${file.name}.${file.size}.${file.lastModified}`;
const b64 = (s) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));

export function tusUpload(file, { endpoint = "/v1/uploads", options, onProgress = () => {}, signal } = {}) {
  const key = remembered(file);

  const request = async (method, url, { headers = {}, body, progress } = {}) => {
    const auth = await token();
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("authorization", `Bearer ${auth}`);
      xhr.setRequestHeader("tus-resumable", "1.0.0");
      for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
      if (progress) xhr.upload.onprogress = (e) => progress(e.loaded);
      xhr.onload = () => resolve(xhr);
      xhr.onerror = () => reject(new ApiError(0, "NETWORK", "the connection broke"));
      xhr.onabort = () => reject(new ApiError(0, "ABORTED", "canceled"));
      signal?.addEventListener("abort", () => xhr.abort(), { once: true });
      xhr.send(body ?? null);
    });
  };
  const fail = (xhr) => {
    let body = null;
    try {
      body = JSON.parse(xhr.responseText);
    } catch {
      /* not JSON */
    }
    return new ApiError(xhr.status, body?.error?.code ?? `HTTP_${xhr.status}`, body?.error?.message ?? xhr.statusText);
  };
  const retryable = (err) =>
    err.code === "NETWORK" ||
    err.status >= 500 ||
    err.status === 409 ||
    (err.status === 429 && err.code !== "TOO_MANY_UPLOADS" && err.code !== "TOO_MANY_ACTIVE_JOBS");

  async function create() {
    const meta = [`filename ${b64(file.name)}`];
    if (options) meta.push(`options ${b64(JSON.stringify(options))}`);
    const xhr = await request("POST", endpoint, { headers: { "upload-length": String(file.size), "upload-metadata": meta.join(",") } });
    if (xhr.status !== 201) throw fail(xhr);
    const url = xhr.getResponseHeader("location");
    localStorage.setItem(key, url);
    return url;
  }

  async function offsetOf(url) {
    const xhr = await request("HEAD", url);
    if (xhr.status === 404) return null;
    if (xhr.status !== 200) throw fail(xhr);
    return { offset: Number(xhr.getResponseHeader("upload-offset")), jobId: xhr.getResponseHeader("mp4t-job-id") };
  }

  /** Where the server has no resumable uploads (404, or 503 without a scratch area), one multipart POST /v1/jobs. */
  async function plain() {
    const form = new FormData();
    if (options) form.append("options", JSON.stringify(options));
    form.append("file", file, file.name);
    const xhr = await request("POST", "/v1/jobs", { body: form, progress: (n) => onProgress(Math.min(n, file.size), file.size) });
    if (xhr.status !== 202) throw fail(xhr);
    return JSON.parse(xhr.responseText).id;
  }

  async function run() {
    let url = localStorage.getItem(key);
    let state = url ? await offsetOf(url) : null;
    if (!state) {
      try {
        url = await create();
      } catch (err) {
        if (err.status === 404 || err.code === "SERVICE_UNAVAILABLE") return plain();
        throw err;
      }
      state = { offset: 0, jobId: null };
    }
    let { offset } = state;
    onProgress(offset, file.size);
    for (let failures = 0; !state.jobId; ) {
      try {
        const end = Math.min(file.size, offset + CHUNK);
        const xhr = await request("PATCH", url, {
          headers: { "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
          body: file.slice(offset, end),
          progress: (n) => onProgress(offset + n, file.size),
        });
        if (xhr.status !== 204) throw fail(xhr);
        offset = Number(xhr.getResponseHeader("upload-offset"));
        state.jobId = xhr.getResponseHeader("mp4t-job-id");
        failures = 0;
        onProgress(offset, file.size);
      } catch (err) {
        if (err.code === "ABORTED" || !retryable(err) || failures >= RETRY_MS.length) throw err;
        await new Promise((r) => setTimeout(r, RETRY_MS[failures++]));
        const now = await offsetOf(url);
        if (!now) throw new ApiError(404, "NOT_FOUND", "the upload expired; start it again");
        ({ offset } = now);
        state.jobId = now.jobId;
      }
    }
    localStorage.removeItem(key);
    return state.jobId;
  }

  return { done: run(), forget: () => localStorage.removeItem(key) };
}
