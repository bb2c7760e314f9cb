# Shared settings and helpers for stack.sh and the per-service deploy/lib/<svc>.sh files.
# Sourced, never run.  Every variable may be preset in the environment or in deploy/local.conf.

ALTO_SRC=${ALTO_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
[ -f "$ALTO_SRC/deploy/local.conf" ] && . "$ALTO_SRC/deploy/local.conf"

ALTO_VENV=${ALTO_VENV:-/opt/altostratus/venv}
ALTO_ETC=${ALTO_ETC:-/etc/altostratus}
ALTO_STATE=${ALTO_STATE:-/var/lib/altostratus}
ALTO_LOGS=${ALTO_LOGS:-/var/log/altostratus}
ALTO_RUN=${ALTO_RUN:-/run/altostratus}
HOST_IP=${HOST_IP:-127.0.0.1}
REGION=${REGION:-RegionOne}
ADMIN_PASSWORD=${ADMIN_PASSWORD:-secret}
SERVICE_PASSWORD=${SERVICE_PASSWORD:-$ADMIN_PASSWORD}
RABBIT_USER=${RABBIT_USER:-guest}
RABBIT_PASSWORD=${RABBIT_PASSWORD:-guest}
TRANSPORT_URL=${TRANSPORT_URL:-rabbit://$RABBIT_USER:$RABBIT_PASSWORD@127.0.0.1:5672/}
# sqlite:///<dir> keeps one SQLite file per service in <dir>; a server URL such as
# mysql+pymysql://root@127.0.0.1 or postgresql://postgres@127.0.0.1 holds one database per service.
DB_URL_BASE=${DB_URL_BASE:-sqlite:///$ALTO_STATE}
CLOUDS_YAML=${CLOUDS_YAML:-/etc/openstack/clouds.yaml}

log() { echo "[stack] $*"; }
die() { echo "[stack] ERROR: $*" >&2; exit 1; }

# db_url SERVICE: the connection URL for SERVICE's own database (created if missing).
db_url() {
    local svc=$1
    case "$DB_URL_BASE" in
        sqlite:*) echo "$DB_URL_BASE/$svc.sqlite" ;;
        mysql*)
            mysql -uroot -h127.0.0.1 -e "CREATE DATABASE IF NOT EXISTS alto_$svc CHARACTER SET utf8mb4" >/dev/null 2>&1
            echo "$DB_URL_BASE/alto_$svc?charset=utf8mb4" ;;
        postgresql*)
            psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='alto_$svc'" 2>/dev/null | grep -q 1 \
                || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE alto_$svc" >/dev/null 2>&1
            echo "$DB_URL_BASE/alto_$svc" ;;
        *) die "unsupported DB_URL_BASE $DB_URL_BASE" ;;
    esac
}

# iniset FILE SECTION KEY VALUE: set one option, creating the file and section as needed.
iniset() {
    "$ALTO_VENV/bin/python" - "$@" <<'PY'
import configparser, os, sys
path, section, key, value = sys.argv[1:5]
cp = configparser.RawConfigParser(interpolation=None, strict=False)
cp.optionxform = str
if os.path.exists(path):
    cp.read(path)
if section != 'DEFAULT' and not cp.has_section(section):
    cp.add_section(section)
cp.set(section, key, value)
os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
with open(path, 'w') as f:
    cp.write(f)
PY
}

# write_authtoken_conf FILE: keystonemiddleware and service-token settings for an API.
write_authtoken_conf() {
    local f=$1
    iniset "$f" keystone_authtoken www_authenticate_uri "http://$HOST_IP:5000/v3"
    iniset "$f" keystone_authtoken auth_url "http://$HOST_IP:5000/v3"
    iniset "$f" keystone_authtoken auth_type password
    iniset "$f" keystone_authtoken project_domain_id default
    iniset "$f" keystone_authtoken user_domain_id default
    iniset "$f" keystone_authtoken project_name service
    iniset "$f" keystone_authtoken username "$(basename "$f" .conf)"
    iniset "$f" keystone_authtoken password "$SERVICE_PASSWORD"
    iniset "$f" keystone_authtoken service_token_roles_required true
    iniset "$f" keystone_authtoken memcached_servers ""
    iniset "$f" keystone_authtoken region_name "$REGION"
}

# start_daemon NAME COMMAND...: run COMMAND in the background unless NAME already runs.
start_daemon() {
    local name=$1; shift
    local pidfile=$ALTO_RUN/$name.pid
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        log "$name already running (pid $(cat "$pidfile"))"
        return 0
    fi
    mkdir -p "$ALTO_RUN" "$ALTO_LOGS"
    setsid "$@" >>"$ALTO_LOGS/$name.log" 2>&1 < /dev/null &
    echo $! > "$pidfile"
    log "started $name (pid $!), log $ALTO_LOGS/$name.log"
}

# stop_daemon NAME: SIGTERM, then SIGKILL after 10 s.
stop_daemon() {
    local pidfile=$ALTO_RUN/$1.pid pid
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

# wait_for_http URL [TIMEOUT]: wait until URL answers any HTTP status.
wait_for_http() {
    local url=$1 timeout=${2:-60} i
    for i in $(seq $((timeout * 5))); do
        curl -s -o /dev/null "$url" && return 0
        sleep 0.2
    done
    die "$url did not answer within ${timeout}s"
}

# admin_openstack ARGS...: the openstack CLI as the cloud admin.
admin_openstack() {
    OS_CLOUD=altostratus-admin OS_CLIENT_CONFIG_FILE=$CLOUDS_YAML "$ALTO_VENV/bin/openstack" "$@"
}

# register_service TYPE NAME URL: the service and its three endpoints, idempotently.
register_service() {
    local type=$1 name=$2 url=$3 iface
    admin_openstack service show "$name" >/dev/null 2>&1 \
        || admin_openstack service create --name "$name" "$type" >/dev/null
    for iface in public internal admin; do
        if [ -z "$(admin_openstack endpoint list --service "$name" --interface $iface --region "$REGION" -f value -c ID)" ]; then
            admin_openstack endpoint create --region "$REGION" "$name" $iface "$url" >/dev/null
        fi
    done
}

# ensure_service_user NAME: a service user in project service with the admin and service roles
# (keystonemiddleware requires the service role in service tokens).
ensure_service_user() {
    local name=$1
    admin_openstack user show --domain default "$name" >/dev/null 2>&1 \
        || admin_openstack user create --domain default --password "$SERVICE_PASSWORD" "$name" >/dev/null
    admin_openstack role show service >/dev/null 2>&1 || admin_openstack role create service >/dev/null
    admin_openstack role add --project service --user "$name" admin >/dev/null
    admin_openstack role add --project service --user "$name" service >/dev/null
}
