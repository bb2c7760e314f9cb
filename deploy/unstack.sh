#!/usr/bin/env bash
# Stop every Altostratus daemon started by stack.sh.  Data and configs stay in place.
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

shopt -s nullglob
for pidfile in "$ALTO_RUN"/alto-*.pid; do
    name=$(basename "$pidfile" .pid)
    stop_daemon "$name"
    log "stopped $name"
done
