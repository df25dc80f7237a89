#!/bin/sh
# Starts the service named by MP4T_SERVICE or the first argument (one image, six services).
set -eu
app=$(cd "$(dirname "$0")/../.." && pwd) # /app in the image
service=${1:-${MP4T_SERVICE:-}}
case "$service" in
  gateway|ingest|transcriber|diarizer|enhancer|janitor) ;;
  *)
    echo "mp4totext: set MP4T_SERVICE (or pass an argument) to one of gateway, ingest, transcriber, diarizer, enhancer, janitor; got '${service}'" >&2
    exit 64
    ;;
esac
export MP4T_SERVICE="$service"
# The gateway's password hashes and its uploads' file I/O share libuv's thread pool: 8 threads, as
# npm start gives it (docs/architecture.md, "The 1000-user load test"), unless the operator sets one.
if [ "$service" = gateway ]; then export UV_THREADPOOL_SIZE="${UV_THREADPOOL_SIZE:-8}"; fi
exec node "$app/services/$service/src/main.ts"
