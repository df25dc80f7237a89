// Generated from the gateway's OpenAPI document by `npm run client:generate` (openapi-typescript). Do not edit.

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics of this gateway process (Authorization: Bearer METRICS_TOKEN)
         * @description Served on the API port only when METRICS_TOKEN is set, and then only with it; otherwise scrape METRICS_PORT.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: NATS connected, job and blob stores answering */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Dead letters, oldest first, optionally of one stage */
        get: operations["listDeadLetters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/dead-letters/{seq}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One dead letter */
        get: operations["getDeadLetter"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/dead-letters/{seq}/redrive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-drive one dead letter: its job resumes at the stage that failed */
        post: operations["redriveDeadLetter"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/dead-letters/redrive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-drive every dead letter of one stage (poison messages stay) */
        post: operations["redriveDeadLetters"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** System health: NATS, live services, success rate, tasks, queues */
        get: operations["getSystemHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/invites": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make an invite code for one email (for REGISTRATION=invite) */
        post: operations["createInvite"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/lanes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Per lane and class: pending, in flight, redelivered and the oldest wait */
        get: operations["listLanes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/lanes/{lane}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause a lane: its consumers hand out nothing (messages keep queueing) until resumed */
        post: operations["pauseLane"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/lanes/{lane}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a paused lane */
        post: operations["resumeLane"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Job activity (completed, failed, active, latencies, recent jobs), per-stage counters, queues */
        get: operations["getJobMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/metrics/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Per minute over the last hour (or `minutes`): jobs completed and failed, mean stage latency, jobs waiting per stage
         * @description Computed from the job events (at most 20000), for the dashboard's charts.
         */
        get: operations["getMetricsHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/services": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every live service instance, from NATS service discovery */
        get: operations["listServices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/users/{email}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete an account (its jobs stay until retention or the janitor removes them) */
        delete: operations["deleteUser"];
        options?: never;
        head?: never;
        /** Change an account's role, or disable / enable it */
        patch: operations["updateUser"];
        trace?: never;
    };
    "/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your API keys (never the keys themselves) */
        get: operations["listApiKeys"];
        put?: never;
        /** Create an API key (shown once) */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key (it stops working within AUTH_CACHE_MS) */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Exchange email and password for an access token and a refresh token */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End this session (or, with {all: true}, every session of the account) */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change your password; every other session of the account ends */
        post: operations["changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate a refresh token: new access and refresh tokens; the old refresh token stops working
         * @description Presenting an already rotated refresh token again ends that session everywhere (reuse detection).
         */
        post: operations["refreshSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create an account
         * @description REGISTRATION=open: anyone; invite: with an `inviteCode` made for this email; closed: nobody (403). The password needs 12+ characters and must not be a common one (400 WEAK_PASSWORD).
         */
        post: operations["registerAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/registration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How accounts are made here: open, invite (with an invite code) or closed (the web app's sign-up page follows it) */
        get: operations["getRegistrationMode"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/stream-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A 60-second token for the event streams, to pass as ?access_token= (EventSource cannot send headers)
         * @description Accepted only by GET /v1/jobs/{id}/events and GET /v1/events, only for your own jobs; nowhere else. It ends with the session or API key that asked for it (logout, sign out everywhere, password change, key revoked).
         */
        post: operations["createStreamToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/capabilities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What this deployment supports: engines and their languages, diarization, enhancements, formats, limits
         * @description Joined from the live workers' own configuration (each registers what it can do in NATS service discovery), cached for a few seconds. A service with no running replica shows nothing available. Uploads asking for anything not listed here are refused with 400 OPTION_UNSUPPORTED.
         */
        get: operations["getCapabilities"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every event of your jobs as text/event-stream, live and resumable, for live job lists
         * @description Each event is `event: <type>` with the JobEvent JSON (its `jobId` says which job) as data and its stream sequence as id. Without Last-Event-ID (or `?last_event_id=`) it starts with new events; with it, the events of your jobs stored after that id come first, once each and in order, then live ones. When some can no longer be replayed (past the events' retention, or too many to scan), the stream starts with `event: resync`: reload your job list. Comments keep the stream alive; it does not end by itself. Counts against the same per-user stream limit as a job's stream.
         */
        get: operations["streamAllJobEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your jobs, newest first */
        get: operations["listJobs"];
        put?: never;
        /**
         * Upload media and queue it for transcription
         * @description multipart/form-data: an optional `options` field holding the job options as JSON text and a `file` part (streamed, at most MAX_UPLOAD_BYTES). Send `options` first: options this deployment cannot serve (GET /v1/capabilities) are then refused with 400 OPTION_UNSUPPORTED before a byte of the file is stored. Options sent after the file are still checked, once the file has arrived, and the stored file is removed when they are refused. 202: the job, queued; follow it at /v1/jobs/{id}/events.
         */
        post: operations["createJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One job: status, progress, stages, media, and its place in the queue while not ended */
        get: operations["getJob"];
        put?: never;
        post?: never;
        /** Cancel the job if it is running, then delete its media, results and record */
        delete: operations["deleteJob"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a queued or processing job; the record stays (status canceled), its temporary files go */
        post: operations["cancelJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/enhance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Re-run enhancements on the current transcript version (through the default lane); the result is a new version
         * @description Body {kinds: ["clean","summary","notes","translate:<lang>"]}. 202: queued; a transcript.updated event (SSE) announces the new version.
         */
        post: operations["enhanceTranscript"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The job's state changes as text/event-stream
         * @description Each event is `event: <type>` with the JobEvent JSON as data and its stream sequence as id (send Last-Event-ID to resume). Comments keep idle streams alive; the stream ends after completed, failed or canceled.
         */
        get: operations["streamJobEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/media": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The job's original media (Range requests supported)
         * @description Bearer token, or `link` from POST /v1/jobs/:id/media-link. 410 MEDIA_GONE once retention removed the media.
         */
        get: operations["getJobMedia"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/media-link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A short-lived URL of the job's original media, for players that cannot send a token */
        post: operations["createMediaLink"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a failed job again: from the stage that failed when its inputs are still stored, else from the start
         * @description Each retry counts one more in the job's `attempts`. 409 JOB_NOT_RETRYABLE unless the job failed and its upload is still stored.
         */
        post: operations["retryJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/speakers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Name speakers; saves a new transcript version
         * @description Body {"Speaker 1": "Alice", ...}. Giving two labels one name merges them. Every format and search use the names. If-Match is optional here (renames apply to whatever is current); when sent, a stale one is 412.
         */
        put: operations["nameSpeakers"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/transcript": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The transcript of a completed job
         * @description JSON: {language, durationSec, text, speakers[], segments[{start, end, text, speaker?, words[]}], enhancements}. txt, srt, vtt and md are rendered from it. The current version unless `version` names another (1 is the engine's original); the ETag names the version, for If-Match on PATCH and If-None-Match here (304).
         */
        get: operations["getTranscript"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Correct segments; saves a new transcript version
         * @description Body {segments: [{index, text, speaker?, start?, end?}]} addressing the current version's segments. Word timings inside an edited segment are re-aligned in proportion to word length; times must stay between the neighbouring segments. If-Match with the transcript's ETag is required: missing 428 PRECONDITION_REQUIRED, stale 412 TRANSCRIPT_CHANGED.
         */
        patch: operations["editTranscript"];
        trace?: never;
    };
    "/v1/jobs/{id}/transcript/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The versions of a job's transcript, oldest first (1 is the engine's) */
        get: operations["listTranscriptVersions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your account */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search your transcripts
         * @description Every word must occur (word forms match: "walked" finds "walking"); "quoted phrases" in order; prefix* matches word stems. Ranked best first (BM25); page with `next`. Only your own jobs' current transcript versions are searched.
         */
        get: operations["searchTranscripts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a resumable upload (tus creation)
         * @description Headers: `Tus-Resumable: 1.0.0`, `Upload-Length` (bytes, at most MAX_UPLOAD_BYTES), `Upload-Metadata` with `filename` (required) and `options` (JSON text of the POST /v1/jobs options), each base64. 201 with `Location`. The same limits as POST /v1/jobs apply here. Then PATCH the bytes to `Location`; `HEAD /v1/uploads/{id}` (tus; not listed here) answers `Upload-Offset` to resume from.
         */
        post: operations["createUpload"];
        delete?: never;
        /** tus discovery: version, extensions and the largest upload */
        options: operations["uploadsOptions"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Abandon an upload (tus termination); a finished upload's job stays */
        delete: operations["deleteUpload"];
        options?: never;
        head?: never;
        /**
         * Append bytes at Upload-Offset; the last byte creates the job (Mp4t-Job-Id)
         * @description After a broken connection, `HEAD /v1/uploads/{id}` (tus; not listed here) answers `Upload-Offset`, and `Mp4t-Job-Id` once finished: resume from that offset.
         */
        patch: operations["appendUpload"];
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your webhook endpoints */
        get: operations["listWebhooks"];
        put?: never;
        /** Register a webhook endpoint; the answer holds its signing secret, shown once */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One webhook endpoint */
        get: operations["getWebhook"];
        put?: never;
        post?: never;
        /** Delete an endpoint and its delivery log */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        /** Change an endpoint's URL, events, description, or enable it again */
        patch: operations["updateWebhook"];
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The endpoint's delivery log, newest first (at most `limit`) */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries/{deliveryId}/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a delivery again now (same payload and webhook-id), with a fresh retry schedule */
        post: operations["resendWebhookDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        EventStreamResync: {
            /** @description Why: the missed events expired, or too many were stored since to scan. */
            reason: string;
        };
        Job: {
            attempts?: number;
            /** Format: date-time */
            completedAt?: string;
            /** Format: date-time */
            createdAt: string;
            error?: {
                code: string;
                message: string;
            };
            fileName: string;
            id: string;
            media?: {
                audioCodec: string;
                audioTrack?: number;
                audioTracks?: {
                    channels?: number;
                    codec: string;
                    index: number;
                    language?: string;
                }[];
                channels?: number;
                container: string;
                durationSec: number;
                hasVideo: boolean;
                sampleRate?: number;
            };
            /** Format: date-time */
            mediaDeletedAt?: string;
            noSpeech?: boolean;
            notices?: {
                /** @enum {string} */
                code: "SEVERAL_AUDIO_TRACKS" | "NO_SPEECH";
                message: string;
            }[];
            options: {
                audioTrack?: number;
                /**
                 * @default interactive
                 * @enum {string}
                 */
                class: "interactive" | "batch";
                /** @default true */
                diarize: boolean;
                engine?: string;
                /** @default [] */
                enhance: (("clean" | "summary" | "notes") | string)[];
                /** @default en */
                language: string;
                maxSpeakers?: number;
                minSpeakers?: number;
                speakers?: number;
            };
            progress: number;
            queue?: {
                /** Format: date-time */
                estimatedFinishAt: string | null;
                /** Format: date-time */
                estimatedStartAt: string | null;
                position: number;
                /** @enum {string} */
                stage: "ingest" | "transcribe" | "diarize" | "enhance";
            };
            reaped?: number;
            sizeBytes: number;
            stages: {
                [key: string]: {
                    /** Format: date-time */
                    finishedAt?: string;
                    /** Format: date-time */
                    startedAt?: string;
                    /** @enum {string} */
                    status: "pending" | "running" | "done" | "failed" | "skipped";
                };
            };
            /** @enum {string} */
            status: "queued" | "processing" | "completed" | "failed" | "canceled";
            transcript?: {
                version: number;
                versions: {
                    /** Format: date-time */
                    at: string;
                    blob?: string;
                    /** @enum {string} */
                    kind: "engine" | "edit" | "speakers" | "enhance";
                    version: number;
                }[];
            };
            /** Format: date-time */
            updatedAt: string;
        };
        JobEvent: {
            /** Format: date-time */
            at: string;
            error?: {
                code: string;
                message: string;
            };
            jobId: string;
            progress: number;
            /** @enum {string} */
            stage?: "ingest" | "transcribe" | "assemble" | "diarize" | "enhance";
            /** @enum {string} */
            status: "queued" | "processing" | "completed" | "failed" | "canceled";
            /** @enum {string} */
            type: "queued" | "stage.started" | "progress" | "stage.done" | "completed" | "failed" | "canceled" | "transcript.updated" | "deleted";
            /** @enum {number} */
            v: 1;
            version?: number;
        };
        JobPage: {
            items: components["schemas"]["Job"][];
            next: string | null;
        };
        Transcript: {
            durationSec: number;
            enhancements: {
                clean?: string;
                notes?: string;
                summary?: string;
                translations?: {
                    [key: string]: string;
                };
            };
            language: string;
            noSpeech?: boolean;
            paragraphs?: {
                end: number;
                speaker?: string;
                start: number;
                text: string;
            }[];
            segments: {
                end: number;
                speaker?: string;
                start: number;
                text: string;
                words: {
                    confidence?: number;
                    end: number;
                    speaker?: string;
                    start: number;
                    word: string;
                }[];
            }[];
            speakers: string[];
            text: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                    };
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ready";
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    listDeadLetters: {
        parameters: {
            query?: {
                /** @description `next` from the previous page. */
                cursor?: number;
                limit?: number;
                stage?: "ingest" | "transcribe" | "diarize" | "enhance" | "cleanup" | "webhook";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            at: string;
                            /** @description The original message, verbatim. */
                            data: string;
                            deliveries: number;
                            error: {
                                code: string;
                                message: string;
                            };
                            /** @description The job it belongs to; null for a poison message. */
                            job: {
                                jobId: string;
                                userId: string;
                            } | null;
                            redrivable: boolean;
                            /** @description Sequence in the MP4T_DLQ stream: the letter's id. */
                            seq: number;
                            service: string;
                            stage: string;
                            /** @description The work subject the original message was published on. */
                            subject: string;
                            /** @description When the letter was stored. */
                            time: string;
                            traceId?: string;
                        }[];
                        next: number | null;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FORBIDDEN`: The caller may not do this. `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FORBIDDEN" | "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getDeadLetter: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                seq: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        at: string;
                        /** @description The original message, verbatim. */
                        data: string;
                        deliveries: number;
                        error: {
                            code: string;
                            message: string;
                        };
                        /** @description The job it belongs to; null for a poison message. */
                        job: {
                            jobId: string;
                            userId: string;
                        } | null;
                        redrivable: boolean;
                        /** @description Sequence in the MP4T_DLQ stream: the letter's id. */
                        seq: number;
                        service: string;
                        stage: string;
                        /** @description The work subject the original message was published on. */
                        subject: string;
                        /** @description When the letter was stored. */
                        time: string;
                        traceId?: string;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FORBIDDEN`: The caller may not do this. `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FORBIDDEN" | "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    redriveDeadLetter: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                seq: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted: the work is queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {number} */
                        redriven: 1;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FORBIDDEN`: The caller may not do this. `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FORBIDDEN" | "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `DEAD_LETTER_UNREDRIVABLE`: The dead letter holds no valid work message (a poison message), so re-driving it cannot help. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "DEAD_LETTER_UNREDRIVABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    redriveDeadLetters: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    stage: "ingest" | "transcribe" | "diarize" | "enhance" | "cleanup" | "webhook";
                };
            };
        };
        responses: {
            /** @description Accepted: the work is queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        redriven: number;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FORBIDDEN`: The caller may not do this. `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FORBIDDEN" | "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getSystemHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        checkedAt: string;
                        missingServices: string[];
                        nats: {
                            connected: boolean;
                            error?: string;
                            rttMs: number | null;
                        };
                        problems: string[];
                        queues: {
                            ackPending: number;
                            byClass: {
                                [key: string]: number;
                            };
                            consumer: string;
                            consumerExists: boolean;
                            lane: string;
                            oldestAgeSec: number | null;
                            paused: boolean;
                            pauseUntil: string | null;
                            pending: number;
                            redelivered: number;
                            stage: string;
                            stream: string;
                            waitingPulls: number;
                        }[];
                        services: {
                            instances: number;
                            name: string;
                        }[];
                        /** @enum {string} */
                        status: "healthy" | "degraded" | "unhealthy";
                        /** @description completed / (completed + failed by the system) over the recent events window: jobs failed on the user's mistake (MEDIA_*, LANGUAGE_UNSUPPORTED, ENGINE_UNKNOWN) do not count. */
                        successRate: number | null;
                        tasks: {
                            active: number;
                            deadLettered: number;
                            failed: number;
                            processed: number;
                            retried: number;
                        };
                        /** @description This gateway process. */
                        uptimeSec: number;
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FORBIDDEN`: The caller may not do this. `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FORBIDDEN" | "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
        };
    };
    createInvite: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: email */
                    email: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        email: string;
                        /** Format: date-time */
                        expiresAt: string;
                        inviteCode: string;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FORBIDDEN`: The caller may not do this. `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FORBIDDEN" | "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    listLanes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        lanes: {
                            /** @enum {string} */
                            class: "interactive" | "batch";
                            /** @description Delivered and not yet acknowledged (working, or waiting out a retry backoff). */
                            inFlight: number;
                            /** @enum {string} */
                            lane: "critical" | "high" | "default" | "low";
                            /** @description Age of the oldest waiting message; null when nothing waits. */
                            oldestWaitingSec: number | null;
                            /** @description Waiting, not yet delivered to any replica. */
                            pending: number;
                            /** @description Of those in flight, delivered more than once. */
                            redelivered: number;
                        }[];
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FORBIDDEN`: The caller may not do this. `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FORBIDDEN" | "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    pauseLane: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                lane: "critical" | "high" | "default" | "low";
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Resume on its own after this many seconds; omitted: until resumed. */
                    forSec?: number;
                } | null;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        consumers: {
                            consumer: string;
                            paused: boolean;
                            pauseUntil: string | null;
                            stage: string;
                        }[];
                        lane: string;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FORBIDDEN`: The caller may not do this. `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FORBIDDEN" | "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    resumeLane: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                lane: "critical" | "high" | "default" | "low";
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        consumers: {
                            consumer: string;
                            paused: boolean;
                            pauseUntil: string | null;
                            stage: string;
                        }[];
                        lane: string;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FORBIDDEN`: The caller may not do this. `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FORBIDDEN" | "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getJobMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        failuresByCode: {
                            [key: string]: number;
                        };
                        jobs: {
                            active: number;
                            canceled: number;
                            completed: number;
                            failed: number;
                            queued: number;
                            seen: number;
                        };
                        queues: {
                            ackPending: number;
                            byClass: {
                                [key: string]: number;
                            };
                            consumer: string;
                            consumerExists: boolean;
                            lane: string;
                            oldestAgeSec: number | null;
                            paused: boolean;
                            pauseUntil: string | null;
                            pending: number;
                            redelivered: number;
                            stage: string;
                            stream: string;
                            waitingPulls: number;
                        }[];
                        recentJobs: {
                            error: {
                                code: string;
                                message: string;
                            } | null;
                            firstSeen: string;
                            id: string;
                            progress: number;
                            stage: string | null;
                            status: string;
                            updatedAt: string;
                        }[];
                        stageLatency: {
                            avgSec: number;
                            count: number;
                            maxSec: number;
                            p50Sec: number;
                            p95Sec: number;
                            stage: string;
                        }[];
                        stages: {
                            deadLettered: number;
                            failed: number;
                            inFlight: number;
                            processed: number;
                            redelivered: number;
                            retried: number;
                            stage: string;
                        }[];
                        successRate: number | null;
                        throughputPerMin: {
                            completed: number;
                            failed: number;
                        };
                        window: {
                            events: number;
                            from: string | null;
                            to: string | null;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FORBIDDEN`: The caller may not do this. `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FORBIDDEN" | "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getMetricsHistory: {
        parameters: {
            query?: {
                minutes?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        buckets: {
                            at: string;
                            completed: number;
                            failed: number;
                            stageLatencySec: {
                                [key: string]: number;
                            };
                            waiting: {
                                [key: string]: number;
                            };
                        }[];
                        bucketSec: number;
                        events: number;
                        from: string;
                        to: string;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FORBIDDEN`: The caller may not do this. `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FORBIDDEN" | "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    listServices: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        host: string | null;
                        id: string;
                        /** @description The first lane the instance consumes; null for the gateway. */
                        lane: string | null;
                        lanes: string[];
                        /** @description Service name, e.g. ingest. */
                        name: string;
                        pid: number | null;
                        started: string | null;
                        stats: {
                            [key: string]: unknown;
                        } | null;
                        version: string;
                    }[];
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FORBIDDEN`: The caller may not do this. `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FORBIDDEN" | "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    deleteUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's email (URL-encoded). */
                email: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": null;
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FORBIDDEN`: The caller may not do this. `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FORBIDDEN" | "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    updateUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's email (URL-encoded). */
                email: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    disabled?: boolean;
                    /** @enum {string} */
                    role?: "user" | "admin";
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        disabled: boolean;
                        email: string;
                        id: string;
                        /** @enum {string} */
                        role: "user" | "admin";
                        sessions: number;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FORBIDDEN`: The caller may not do this. `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FORBIDDEN" | "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    listApiKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            createdAt: string;
                            id: string;
                            /**
                             * Format: date-time
                             * @description Recorded to within a minute.
                             */
                            lastUsedAt: string | null;
                            name: string;
                            /** @description The key's first 12 characters. */
                            prefix: string;
                            scopes: ("jobs:read" | "jobs:write" | "webhooks")[];
                        }[];
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description jobs:read (reads, event streams, search), jobs:write (uploads, job actions, edits), webhooks. Default: all three. */
                    scopes?: ("jobs:read" | "jobs:write" | "webhooks")[];
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        id: string;
                        /** @description The key itself, shown only now: send it as `Authorization: Bearer mp4t_...`. */
                        key: string;
                        name: string;
                        /** @description The key's first 12 characters. */
                        prefix: string;
                        scopes: ("jobs:read" | "jobs:write" | "webhooks")[];
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": null;
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: email */
                    email: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        expiresAt: string;
                        /** Format: date-time */
                        refreshExpiresAt: string;
                        /** @description Exchange it at POST /v1/auth/refresh for new tokens; it works once. */
                        refreshToken: string;
                        /** @description The access token (a JWT); send it as `Authorization: Bearer`. */
                        token: string;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INVALID_CREDENTIALS`: Email or password is wrong. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INVALID_CREDENTIALS";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    all?: boolean;
                } | null;
            };
        };
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": null;
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    currentPassword: string;
                    newPassword: string;
                };
            };
        };
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": null;
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. `WEAK_PASSWORD`: The password is too short, too common or blank. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON" | "WEAK_PASSWORD";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. `INVALID_CREDENTIALS`: Email or password is wrong. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED" | "INVALID_CREDENTIALS";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    refreshSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    refreshToken: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        expiresAt: string;
                        /** Format: date-time */
                        refreshExpiresAt: string;
                        /** @description Exchange it at POST /v1/auth/refresh for new tokens; it works once. */
                        refreshToken: string;
                        /** @description The access token (a JWT); send it as `Authorization: Bearer`. */
                        token: string;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    registerAccount: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: email */
                    email: string;
                    inviteCode?: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description The same answer whether or not the email was free (an id for a taken email belongs to no account): log in to find out. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        email: string;
                        id: string;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. `WEAK_PASSWORD`: The password is too short, too common or blank. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON" | "WEAK_PASSWORD";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `REGISTRATION_CLOSED`: Registration is closed, or needs a valid invite code. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "REGISTRATION_CLOSED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getRegistrationMode: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        mode: "open" | "invite" | "closed";
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
        };
    };
    createStreamToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        expiresAt: string;
                        token: string;
                    };
                };
            };
            /** @description `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getCapabilities: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        diarization: {
                            available: boolean;
                            maxSpeakers: number;
                        };
                        engines: {
                            default: boolean;
                            id: string;
                            languages: string[];
                            speakers: boolean;
                            wordTimestamps: boolean;
                        }[];
                        enhancements: {
                            cleanText: boolean;
                            notes: boolean;
                            summary: boolean;
                            translate: {
                                available: boolean;
                                languages: string[];
                            };
                        };
                        formats: ("json" | "txt" | "srt" | "vtt" | "md")[];
                        limits: {
                            maxActiveJobs: number;
                            maxDurationSec: number | null;
                            maxUploadBytes: number;
                        };
                        uploads: {
                            resumable: {
                                endpoint: string;
                                /** @enum {string} */
                                protocol: "tus";
                                version: string;
                            };
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    streamAllJobEvents: {
        parameters: {
            query?: {
                /** @description A stream token (POST /v1/auth/stream-token) instead of the Authorization header. */
                access_token?: string;
                /** @description The id of the last event received, as Last-Event-ID, for a new EventSource (which cannot set that header); the header wins. */
                last_event_id?: number;
            };
            header?: {
                "last-event-id"?: number;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A stream of server-sent events: `event` is the JobEvent's type, `id` its sequence (send it back as Last-Event-ID to resume), `data` the JobEvent; or, first on a resume that cannot be complete, `event: resync` with EventStreamResync data (reload your list). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["JobEvent"] | components["schemas"]["EventStreamResync"];
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `TOO_MANY_STREAMS`: The user has the configured maximum of event streams open. `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "TOO_MANY_STREAMS" | "RATE_LIMITED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    listJobs: {
        parameters: {
            query?: {
                /** @description `next` from the previous page. */
                cursor?: string;
                limit?: number;
                /** @description Case-insensitive match on the file name. */
                q?: string;
                status?: "queued" | "processing" | "completed" | "failed" | "canceled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobPage"];
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    createJob: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description The media file (audio or video), at most MAX_UPLOAD_BYTES.
                     */
                    file: string;
                    /**
                     * @description The job options as JSON text; fields: language, diarize, speakers, minSpeakers, maxSpeakers, enhance, class, engine, audioTrack (as in the Job schema's options).
                     * @example {"language":"en","diarize":true}
                     */
                    options?: string;
                };
            };
        };
        responses: {
            /** @description Accepted: the work is queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. `OPTION_UNSUPPORTED`: An option names something this deployment does not offer (a language, engine, translation or speaker count); `details` names the option, the value and what is available (GET /v1/capabilities). `FILE_MISSING`: The multipart request has no file part. `FILE_EMPTY`: The uploaded file is empty. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON" | "OPTION_UNSUPPORTED" | "FILE_MISSING" | "FILE_EMPTY";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `REQUEST_TIMEOUT`: The request body did not arrive in time (too slow or stalled). */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "REQUEST_TIMEOUT";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FILE_TOO_LARGE`: The upload exceeds the configured size limit. `STORAGE_QUOTA_EXCEEDED`: The upload would take the user's stored media past the configured quota. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FILE_TOO_LARGE" | "STORAGE_QUOTA_EXCEEDED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `TOO_MANY_ACTIVE_JOBS`: The user has the configured maximum of queued or processing jobs. `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "TOO_MANY_ACTIVE_JOBS" | "RATE_LIMITED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `STORAGE_FULL`: The server's disk is full or nearly so; retry later. `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "STORAGE_FULL" | "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    deleteJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted (asynchronously, by the janitor). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": null;
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    cancelJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `JOB_ALREADY_ENDED`: The job has already completed, failed or been canceled, so it cannot be canceled. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "JOB_ALREADY_ENDED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    enhanceTranscript: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    kinds: (("clean" | "summary" | "notes") | string)[];
                };
            };
        };
        responses: {
            /** @description Accepted: the work is queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        baseVersion: number;
                        jobId: string;
                        kinds: string[];
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. `OPTION_UNSUPPORTED`: An option names something this deployment does not offer (a language, engine, translation or speaker count); `details` names the option, the value and what is available (GET /v1/capabilities). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON" | "OPTION_UNSUPPORTED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `TRANSCRIPT_NOT_READY`: The job has not completed, so it has no transcript yet. `VERSION_LIMIT`: The transcript has as many versions as are kept; no further changes are accepted. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "TRANSCRIPT_NOT_READY" | "VERSION_LIMIT";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    streamJobEvents: {
        parameters: {
            query?: {
                /** @description A stream token (POST /v1/auth/stream-token) instead of the Authorization header. */
                access_token?: string;
                /** @description The id of the last event received, as Last-Event-ID, for a new EventSource (which cannot set that header); the header wins. */
                last_event_id?: number;
            };
            header?: {
                "last-event-id"?: number;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A stream of server-sent events; each `data` line is a JobEvent (the JobEvent schema), `event` its type and `id` its sequence. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["JobEvent"];
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `TOO_MANY_STREAMS`: The user has the configured maximum of event streams open. `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "TOO_MANY_STREAMS" | "RATE_LIMITED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getJobMedia: {
        parameters: {
            query?: {
                link?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The whole file, with `Accept-Ranges: bytes`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                    "audio/mpeg": string;
                    "video/mp4": string;
                };
            };
            /** @description The requested range (`Range: bytes=start-end`), with `Content-Range`. */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                    "audio/mpeg": string;
                    "video/mp4": string;
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `MEDIA_GONE`: The job's original media was deleted after the retention period; the transcript stays. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "MEDIA_GONE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `RANGE_NOT_SATISFIABLE`: The Range header asks for bytes the media does not have, or for several ranges. */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RANGE_NOT_SATISFIABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    createMediaLink: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        expiresAt: string;
                        url: string;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `MEDIA_GONE`: The job's original media was deleted after the retention period; the transcript stays. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "MEDIA_GONE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    retryJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted: the work is queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `JOB_NOT_RETRYABLE`: Only a failed job whose upload is still stored can be retried. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "JOB_NOT_RETRYABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    nameSpeakers: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    [key: string]: string;
                };
            };
        };
        responses: {
            /** @description The version the change made; its ETag is in the ETag header. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        jobId: string;
                        /** @enum {string} */
                        kind: "engine" | "edit" | "speakers" | "enhance";
                        speakers: string[];
                        version: number;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `TRANSCRIPT_NOT_READY`: The job has not completed, so it has no transcript yet. `VERSION_LIMIT`: The transcript has as many versions as are kept; no further changes are accepted. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "TRANSCRIPT_NOT_READY" | "VERSION_LIMIT";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `TRANSCRIPT_CHANGED`: The transcript has changed since the version If-Match names; fetch the current version and apply the change to it. */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "TRANSCRIPT_CHANGED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getTranscript: {
        parameters: {
            query?: {
                format?: "json" | "txt" | "srt" | "vtt" | "md";
                version?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The transcript: JSON (format=json), or plain text, SubRip, WebVTT or Markdown rendered from it. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Transcript"];
                    "application/x-subrip": string;
                    "text/markdown": string;
                    "text/plain": string;
                    "text/vtt": string;
                };
            };
            /** @description Not modified (If-None-Match). */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": null;
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `TRANSCRIPT_NOT_READY`: The job has not completed, so it has no transcript yet. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "TRANSCRIPT_NOT_READY";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    editTranscript: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    segments: {
                        end?: number;
                        /** @description Index into the current version's segments. */
                        index: number;
                        speaker?: string;
                        start?: number;
                        text: string;
                    }[];
                };
            };
        };
        responses: {
            /** @description The version the change made; its ETag is in the ETag header. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        jobId: string;
                        /** @enum {string} */
                        kind: "engine" | "edit" | "speakers" | "enhance";
                        speakers: string[];
                        version: number;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `TRANSCRIPT_NOT_READY`: The job has not completed, so it has no transcript yet. `VERSION_LIMIT`: The transcript has as many versions as are kept; no further changes are accepted. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "TRANSCRIPT_NOT_READY" | "VERSION_LIMIT";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `TRANSCRIPT_CHANGED`: The transcript has changed since the version If-Match names; fetch the current version and apply the change to it. */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "TRANSCRIPT_CHANGED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `PRECONDITION_REQUIRED`: This change needs an If-Match header holding the ETag of the transcript version it was made on. */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "PRECONDITION_REQUIRED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    listTranscriptVersions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        current: number;
                        items: {
                            /** Format: date-time */
                            at: string;
                            /** @enum {string} */
                            kind: "engine" | "edit" | "speakers" | "enhance";
                            version: number;
                        }[];
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `TRANSCRIPT_NOT_READY`: The job has not completed, so it has no transcript yet. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "TRANSCRIPT_NOT_READY";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        email: string;
                        id: string;
                        /** @enum {string} */
                        role: "user" | "admin";
                        /** @description Live sessions (logged-in devices) of the account. */
                        sessions: number;
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    searchTranscripts: {
        parameters: {
            query: {
                /** @description `next` from the previous page. */
                cursor?: string;
                limit?: number;
                q: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            end: number;
                            fileName: string;
                            jobId: string;
                            segmentIndex: number;
                            /** @description The segment's text around the matches; each match between ** marks. */
                            snippet: string;
                            speaker?: string;
                            start: number;
                        }[];
                        next: string | null;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    createUpload: {
        parameters: {
            query?: never;
            header: {
                "tus-resumable": string;
                "upload-length": number;
                "upload-metadata"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": null;
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. `OPTION_UNSUPPORTED`: An option names something this deployment does not offer (a language, engine, translation or speaker count); `details` names the option, the value and what is available (GET /v1/capabilities). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON" | "OPTION_UNSUPPORTED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `TUS_VERSION_UNSUPPORTED`: The request does not speak tus 1.0.0 (Tus-Resumable header). */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "TUS_VERSION_UNSUPPORTED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FILE_TOO_LARGE`: The upload exceeds the configured size limit. `STORAGE_QUOTA_EXCEEDED`: The upload would take the user's stored media past the configured quota. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FILE_TOO_LARGE" | "STORAGE_QUOTA_EXCEEDED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `TOO_MANY_ACTIVE_JOBS`: The user has the configured maximum of queued or processing jobs. `TOO_MANY_UPLOADS`: The user has the configured maximum of unfinished resumable uploads. `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "TOO_MANY_ACTIVE_JOBS" | "TOO_MANY_UPLOADS" | "RATE_LIMITED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UPLOAD_SCRATCH_FULL`: The server's area for unfinished resumable uploads is full; retry later. `STORAGE_FULL`: The server's disk is full or nearly so; retry later. `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UPLOAD_SCRATCH_FULL" | "STORAGE_FULL" | "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    uploadsOptions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": null;
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
        };
    };
    deleteUpload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": null;
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `TUS_VERSION_UNSUPPORTED`: The request does not speak tus 1.0.0 (Tus-Resumable header). */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "TUS_VERSION_UNSUPPORTED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    appendUpload: {
        parameters: {
            query?: never;
            header: {
                "content-type": string;
                "tus-resumable": string;
                "upload-offset": number;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": null;
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `REQUEST_TIMEOUT`: The request body did not arrive in time (too slow or stalled). */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "REQUEST_TIMEOUT";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UPLOAD_OFFSET_MISMATCH`: Upload-Offset does not match the bytes the server has; HEAD the upload and resume from its offset. `UPLOAD_LOCKED`: Another request is writing this resumable upload; retry once it has ended. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UPLOAD_OFFSET_MISMATCH" | "UPLOAD_LOCKED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `TUS_VERSION_UNSUPPORTED`: The request does not speak tus 1.0.0 (Tus-Resumable header). */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "TUS_VERSION_UNSUPPORTED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `FILE_TOO_LARGE`: The upload exceeds the configured size limit. `STORAGE_QUOTA_EXCEEDED`: The upload would take the user's stored media past the configured quota. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "FILE_TOO_LARGE" | "STORAGE_QUOTA_EXCEEDED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `TOO_MANY_ACTIVE_JOBS`: The user has the configured maximum of queued or processing jobs. `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "TOO_MANY_ACTIVE_JOBS" | "RATE_LIMITED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UPLOAD_SCRATCH_FULL`: The server's area for unfinished resumable uploads is full; retry later. `STORAGE_FULL`: The server's disk is full or nearly so; retry later. `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UPLOAD_SCRATCH_FULL" | "STORAGE_FULL" | "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    listWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            createdAt: string;
                            description: string;
                            /** @description Why the endpoint was disabled automatically, or null. */
                            disabledReason: string | null;
                            enabled: boolean;
                            events: ("job.completed" | "job.failed" | "job.canceled")[];
                            id: string;
                            url: string;
                        }[];
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string;
                    /** @description The job events to receive. */
                    events: ("job.completed" | "job.failed" | "job.canceled")[];
                    /** @description http(s) URL whose host resolves only to public addresses (unless the operator allows others). */
                    url: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        description: string;
                        enabled: boolean;
                        events: ("job.completed" | "job.failed" | "job.canceled")[];
                        id: string;
                        /** @description `whsec_` + base64: the Standard Webhooks signing secret, shown only here. */
                        secret: string;
                        url: string;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. `WEBHOOK_URL_NOT_ALLOWED`: The webhook URL is not an http(s) URL whose host resolves only to public addresses (private, loopback, link-local and similar targets need the operator's allow-list; production needs https). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON" | "WEBHOOK_URL_NOT_ALLOWED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `WEBHOOK_LIMIT_REACHED`: The user has the configured maximum of webhook endpoints. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "WEBHOOK_LIMIT_REACHED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        description: string;
                        /** @description Why the endpoint was disabled automatically, or null. */
                        disabledReason: string | null;
                        enabled: boolean;
                        events: ("job.completed" | "job.failed" | "job.canceled")[];
                        id: string;
                        url: string;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": null;
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    updateWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string;
                    enabled?: boolean;
                    /** @description The job events to receive. */
                    events?: ("job.completed" | "job.failed" | "job.canceled")[];
                    /** @description http(s) URL whose host resolves only to public addresses (unless the operator allows others). */
                    url?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        description: string;
                        /** @description Why the endpoint was disabled automatically, or null. */
                        disabledReason: string | null;
                        enabled: boolean;
                        events: ("job.completed" | "job.failed" | "job.canceled")[];
                        id: string;
                        url: string;
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. `WEBHOOK_URL_NOT_ALLOWED`: The webhook URL is not an http(s) URL whose host resolves only to public addresses (private, loopback, link-local and similar targets need the operator's allow-list; production needs https). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON" | "WEBHOOK_URL_NOT_ALLOWED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            attempts: number;
                            /** Format: date-time */
                            createdAt: string;
                            /** @enum {string} */
                            event: "job.completed" | "job.failed" | "job.canceled";
                            id: string;
                            jobId: string;
                            lastError: string | null;
                            lastStatusCode: number | null;
                            /** Format: date-time */
                            nextAttemptAt: string | null;
                            /** @enum {string} */
                            status: "pending" | "succeeded" | "failed";
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    resendWebhookDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                deliveryId: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted: the work is queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        status: "pending";
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: The request body, query or parameters do not match the schema. `INVALID_JSON`: The body or the options field is not valid JSON. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED" | "INVALID_JSON";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNAUTHORIZED`: Missing, invalid or expired bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNAUTHORIZED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `INSUFFICIENT_SCOPE`: The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "INSUFFICIENT_SCOPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `NOT_FOUND`: No such resource. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "NOT_FOUND";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `WEBHOOK_DISABLED`: The webhook endpoint is disabled; enable it (PATCH enabled:true) before re-sending. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "WEBHOOK_DISABLED";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `VALIDATION_FAILED`: A path parameter is longer than the router accepts. */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "VALIDATION_FAILED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `UNSUPPORTED_CONTENT_TYPE`: The request's content type is not accepted here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "UNSUPPORTED_CONTENT_TYPE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description `RATE_LIMITED`: Too many requests from this address or for this account; wait for Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "RATE_LIMITED";
                            message: string;
                        };
                    };
                };
            };
            /** @description `SERVICE_UNAVAILABLE`: A dependency (NATS, a store) is unreachable; retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @enum {string} */
                            code: "SERVICE_UNAVAILABLE";
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
}
