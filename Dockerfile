# syntax=docker/dockerfile:1
# One image for the six services; MP4T_SERVICE (or the first argument) picks which one runs:
#   docker build -t mp4totext:dev .
#   docker run --rm -e MP4T_SERVICE=gateway -e NATS_URL=... mp4totext:dev
# Stages: base (Node 24 on Debian bookworm) -> deps (production dependencies from the lockfile and
# the workspace manifests only, so a source change reuses the cached install); relay (the Go spawn
# relay, one static binary) -> runtime (Debian ffmpeg, pocketsphinx and tini, the installed
# dependencies and the relay, then the source; non-root).
# Services run their TypeScript directly (Node 24 strips types): there is no build step.

ARG NODE_IMAGE=node:24-bookworm-slim
ARG GO_IMAGE=golang:1.26-bookworm

FROM ${NODE_IMAGE} AS base
ENV NODE_ENV=production
WORKDIR /app

FROM base AS deps
ARG PNPM_VERSION=10.34.8
RUN npm install -g "pnpm@${PNPM_VERSION}" --no-audit --no-fund --loglevel=error
# Only what decides the install: a change to any source file leaves this layer cached.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY contracts/package.json contracts/
COPY packages/runtime/package.json packages/runtime/
COPY packages/messaging/package.json packages/messaging/
COPY packages/pipeline/package.json packages/pipeline/
COPY packages/client/package.json packages/client/
COPY packages/stores/package.json packages/stores/
COPY packages/testing/package.json packages/testing/
COPY packages/transcript/package.json packages/transcript/
COPY packages/webhooks/package.json packages/webhooks/
COPY services/gateway/package.json services/gateway/
COPY services/ingest/package.json services/ingest/
COPY services/transcriber/package.json services/transcriber/
COPY services/diarizer/package.json services/diarizer/
COPY services/enhancer/package.json services/enhancer/
COPY services/janitor/package.json services/janitor/
COPY tests/package.json tests/
RUN pnpm install --frozen-lockfile --prod --reporter=append-only

# The spawn relay in Go (packages/runtime/relay: our own source, the standard library only): it
# starts ffmpeg and pocketsphinx for the services without copying its memory at each start, as
# the Perl relay's fork does (docs/architecture.md, "Twenty-second pass"). A static binary.
FROM ${GO_IMAGE} AS relay
WORKDIR /src
COPY packages/runtime/relay/go.mod packages/runtime/relay/main.go ./
RUN CGO_ENABLED=0 GOTOOLCHAIN=local go build -trimpath -buildvcs=false -o /out/mp4t-spawn-relay .

FROM base AS runtime
LABEL org.opencontainers.image.title="mp4totext" \
  org.opencontainers.image.description="MP4toText services (gateway, ingest, transcriber, diarizer, enhancer, janitor); MP4T_SERVICE picks one" \
  org.opencontainers.image.licenses="MIT"
# ffmpeg demuxes and resamples uploads (ingest); pocketsphinx is the local speech engine
# (transcriber); tini reaps zombies (ffmpeg children) and forwards SIGTERM, so services drain.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg pocketsphinx pocketsphinx-en-us tini ca-certificates \
  && rm -rf /var/lib/apt/lists/*
COPY --from=deps --chown=root:root /app /app
COPY --from=relay --chown=root:root /out/mp4t-spawn-relay /usr/local/bin/mp4t-spawn-relay
COPY --chown=root:root . .
# Workers serve GET /metrics here (the health check reads it); the gateway serves /health on PORT.
ENV METRICS_PORT=9464 PORT=8080
# The services start their media tools through the Go relay above (else they would use the Perl one).
ENV MP4T_SPAWN_RELAY=/usr/local/bin/mp4t-spawn-relay
# Memory after bursts of jobs, as npm start's supervisor sets it (docs/architecture.md, "Memory
# after jobs"): two malloc arenas, a fixed 32 KiB mmap threshold, a young generation of 2 x 16 MiB.
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=32768 NODE_OPTIONS=--max-semi-space-size=16
ARG MP4T_SERVICE=""
ENV MP4T_SERVICE=${MP4T_SERVICE}
# The image's files stay root's and read-only to the service; it writes only to /tmp (scratch).
USER node
EXPOSE 8080 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/app/deploy/docker/healthcheck.mjs"]
ENTRYPOINT ["/usr/bin/tini", "--", "/app/deploy/docker/entrypoint.sh"]
