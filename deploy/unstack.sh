#!/usr/bin/env bash
# Stop every Altostratus daemon started by stack.sh.  Data and configs stay in place.
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

shopt -s nullglob
# tgtd (the iscsi volume driver's target) is stopped with its own command, not a signal.
if [ -f "$ALTO_RUN/alto-tgtd.pid" ]; then
    . "$(dirname "${BASH_SOURCE[0]}")/lib/volume.sh"
    volume_stop_tgtd
fi
for pidfile in "$ALTO_RUN"/alto-*.pid; do
    name=$(basename "$pidfile" .pid)
    stop_daemon "$name"
    log "stopped $name"
done
