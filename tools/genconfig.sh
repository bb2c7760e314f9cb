#!/usr/bin/env bash
# Write the sample configs of every service: tools/genconfig.sh [OUTPUT_DIR]
#   <svc>.conf.sample     every option a daemon of <svc> may read (all daemons read <svc>.conf)
#   <svc>-db.conf.sample  [database] only, for the database owner and alto-manage (not
#                         objectstore: it has no service database)
# OUTPUT_DIR defaults to deploy/etc.  `tox -e genconfig` runs this; the unit test
# tests/unit/test_config_samples.py runs it into a temporary directory and fails when a
# committed sample differs.  PYTHON picks the interpreter (default: python on PATH).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${1:-deploy/etc}
PYTHON=${PYTHON:-python}

# The libraries every service's daemons configure: logging, the process launcher, RPC
# (identity publishes token revocations on the bus, the others listen or serve RPC), policy
# and the middleware of the API pipeline (common/wsgi.py).
LIBRARIES="oslo.log oslo.service.service oslo.messaging oslo.policy
oslo.middleware.http_proxy_to_wsgi oslo.middleware.sizelimit oslo.middleware.healthcheck"
# The APIs that validate tokens with keystonemiddleware (identity checks its own).
AUTHTOKEN="keystonemiddleware.auth_token"

# Compute's daemons exchange versioned objects.
OBJECTS="oslo.versionedobjects"

namespaces() {
    local svc=$1
    echo altostratus.common "altostratus.$svc" $LIBRARIES
    [ "$svc" = identity ] || echo $AUTHTOKEN
    [ "$svc" != compute ] || echo $OBJECTS
}

generate() {
    local out=$1; shift
    local args=() ns
    for ns in "$@"; do args+=(--namespace "$ns"); done
    "$PYTHON" -W ignore -c \
        'import sys; from oslo_config import generator; sys.exit(generator.main())' \
        --wrap-width 79 --output-file "$out" "${args[@]}"
}

mkdir -p "$OUT"
for svc in identity image network compute volume; do
    # shellcheck disable=SC2046  # one namespace per word
    generate "$OUT/$svc.conf.sample" $(namespaces "$svc")
    generate "$OUT/$svc-db.conf.sample" "altostratus.$svc.db"
done
# The object store has no service database (SQLite files on its devices): no -db sample.
# shellcheck disable=SC2046  # one namespace per word
generate "$OUT/objectstore.conf.sample" $(namespaces objectstore)
