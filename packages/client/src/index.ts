import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./api.gen.ts";
import { unreachable } from "./errors.ts";

export type { components, operations, paths } from "./api.gen.ts";
export { ApiError, apiErrorOf, toApiError } from "./errors.ts";
export { followJobEvents, followUserEvents, type FollowInput, type ResyncNotice } from "./events.ts";
export { uploadMedia, type UploadInput, type UploadProgress } from "./upload.ts";
export type { ErrorBody, Job, JobEvent, JobOptionsInput, JobPage, Transcript, TranscriptFormat } from "./types.ts";

export type Mp4tClient = Client<paths>;

/**
 * A typed client for every route of the API (openapi-fetch over the generated `paths`):
 * `client.GET("/v1/jobs/{id}", { params: { path: { id } } })` returns `{ data }` or `{ error }`.
 * Uploads and event streams have their own helpers (`uploadMedia`, `followJobEvents`, `followUserEvents`).
 */
export function createMp4tClient(opts: { baseUrl: string; token?: string; fetch?: typeof fetch }): Mp4tClient {
  const send = opts.fetch ?? fetch;
  return createClient<paths>({
    baseUrl: opts.baseUrl.replace(/\/$/, ""),
    ...(opts.token ? { headers: { authorization: `Bearer ${opts.token}` } } : {}),
    fetch: (req: Request) => send(req).catch((err: unknown) => unreachable(opts.baseUrl, err)),
  });
}
