#!/usr/bin/env bash
# Runs a command with the project's toolchain (Node 24, pnpm, nats-server) first on PATH,
# installing whatever is missing. Used by every npm script so `npm start` and `npm test`
# work on a fresh machine that only has Node 20 and npm.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$ROOT/scripts/toolchain.sh"
TOOLS=${MP4T_TOOLS:-$HOME/.cache/mp4t}
export PATH="$TOOLS/bin:$ROOT/node_modules/.bin:$PATH"
cd "$ROOT"
exec "$@"
