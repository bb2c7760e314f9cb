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
# Every daemon runs as this unprivileged user; configs are root:$ALTO_GROUP 0640 (the daemons
# read them and cannot change them), state and logs $ALTO_USER:$ALTO_GROUP 0750/0640.
ALTO_USER=${ALTO_USER:-altostratus}
ALTO_GROUP=${ALTO_GROUP:-$ALTO_USER}
# The broker account of the daemons: its own user and vhost, the password generated once and
# kept in $RABBIT_PASSWORD_FILE (root only).  A preset TRANSPORT_URL is used as it is.
RABBIT_USER=${RABBIT_USER:-altostratus}
RABBIT_VHOST=${RABBIT_VHOST:-altostratus}
RABBIT_PASSWORD_FILE=${RABBIT_PASSWORD_FILE:-$ALTO_ETC/rabbitmq.secret}
TRANSPORT_URL=${TRANSPORT_URL:-}
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

# _ini_edit FILE set SECTION KEY VALUE | FILE del SECTION | FILE merge SECTION SOURCE: edit
# FILE in place (merge copies SOURCE's SECTION options that FILE does not set yet).  The file
# is rewritten atomically as root:$ALTO_GROUP 0640 (it may hold passwords): never readable by
# others, not even for a moment.
_ini_edit() {
    ALTO_GROUP=$ALTO_GROUP "$ALTO_VENV/bin/python" - "$@" <<'PY'
import configparser, grp, os, sys
path, action, section = sys.argv[1:4]
cp = configparser.RawConfigParser(interpolation=None, strict=False)
cp.optionxform = str
if os.path.exists(path):
    cp.read(path)
if action == 'set':
    key, value = sys.argv[4:6]
    if section != 'DEFAULT' and not cp.has_section(section):
        cp.add_section(section)
    cp.set(section, key, value)
elif action == 'merge':
    src = configparser.RawConfigParser(interpolation=None, strict=False)
    src.optionxform = str
    src.read(sys.argv[4])
    if not src.has_section(section):
        sys.exit(0)
    if not cp.has_section(section):
        cp.add_section(section)
    for key, value in src.items(section, raw=True):
        if key not in src.defaults() and not cp.has_option(section, key):
            cp.set(section, key, value)
elif not cp.remove_section(section):
    sys.exit(0)
os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
tmp = path + '.tmp'
fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, 'w') as f:
    cp.write(f)
os.chown(tmp, 0, grp.getgrnam(os.environ['ALTO_GROUP']).gr_gid)
os.chmod(tmp, 0o640)
os.rename(tmp, path)
PY
}

# iniset FILE SECTION KEY VALUE: set one option, creating the file and section as needed.
iniset() {
    _ini_edit "$1" set "$2" "$3" "$4"
}

# inidelete_section FILE SECTION: drop a whole section (e.g. a [database] left by an older
# layout in a file that DB-free daemons read).
inidelete_section() {
    [ -f "$1" ] || return 0
    _ini_edit "$1" del "$2"
}

# inimove_section OLD NEW SECTION: move SECTION from OLD into NEW (an older layout's
# [database] in a file that DB-free daemons read).  Options NEW already sets win; OLD keeps
# no trace of the section.
inimove_section() {
    [ -f "$1" ] || return 0
    _ini_edit "$2" merge "$3" "$1"
    inidelete_section "$1" "$3"
}

# ensure_system_user: the unprivileged user and group every daemon runs as.
ensure_system_user() {
    getent group "$ALTO_GROUP" >/dev/null || groupadd --system "$ALTO_GROUP"
    getent passwd "$ALTO_USER" >/dev/null \
        || useradd --system --gid "$ALTO_GROUP" --home-dir "$ALTO_STATE" --no-create-home \
            --shell /usr/sbin/nologin --comment "Altostratus daemons" "$ALTO_USER"
}

# as_service_user COMMAND...: run COMMAND as $ALTO_USER (daemons, alto-manage), so whatever
# it creates belongs to that user.  The umask 027 is set again by every daemon itself.
as_service_user() {
    env HOME="$ALTO_STATE" setpriv --reuid="$ALTO_USER" --regid="$ALTO_GROUP" --init-groups \
        -- "$@"
}

# state_dir DIR...: a directory the daemons write to, $ALTO_USER:$ALTO_GROUP 0750.
state_dir() {
    local d
    for d in "$@"; do
        mkdir -p "$d"
        chown "$ALTO_USER:$ALTO_GROUP" "$d"
        chmod 0750 "$d"
    done
}

# secure_install: owners and modes of everything stack.sh writes; fixes an older install.
#   $ALTO_ETC            root:$ALTO_GROUP 0750, its *.conf root:$ALTO_GROUP 0640
#   $RABBIT_PASSWORD_FILE root:root 0600
#   $ALTO_STATE, $ALTO_LOGS and all below: $ALTO_USER:$ALTO_GROUP, at most 0750 (directories)
#   and 0640 (files); stricter modes (key repositories 0700/0600) are kept.
secure_install() {
    mkdir -p "$ALTO_ETC"
    chown root:"$ALTO_GROUP" "$ALTO_ETC"
    chmod 0750 "$ALTO_ETC"
    local f
    for f in "$ALTO_ETC"/*.conf; do
        [ -f "$f" ] || continue
        chown root:"$ALTO_GROUP" "$f"
        chmod 0640 "$f"
    done
    if [ -f "$RABBIT_PASSWORD_FILE" ]; then
        chown root:root "$RABBIT_PASSWORD_FILE"
        chmod 0600 "$RABBIT_PASSWORD_FILE"
    fi
    state_dir "$ALTO_STATE" "$ALTO_LOGS"
    chown -R "$ALTO_USER:$ALTO_GROUP" "$ALTO_STATE" "$ALTO_LOGS"
    chmod -R g-w,o-rwx "$ALTO_STATE" "$ALTO_LOGS"
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

# _runs_as PID COMMAND...: whether PID is COMMAND run by $ALTO_USER.
_runs_as() {
    local pid=$1; shift
    local cmdline
    [ "$(ps -o user= -p "$pid" 2>/dev/null | tr -d ' ')" = "$ALTO_USER" ] || return 1
    cmdline=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || return 1
    # console scripts run as "python SCRIPT ARGS": compare the end
    [[ "${cmdline% }" == *"$*" ]]
}

# start_daemon NAME COMMAND...: run COMMAND as $ALTO_USER in the background unless NAME
# already runs so; one running with another user or command line (an older install) is
# restarted.
start_daemon() {
    local name=$1; shift
    local pidfile=$ALTO_RUN/$name.pid logfile=$ALTO_LOGS/$name.log
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        if _runs_as "$(cat "$pidfile")" "$@"; then
            log "$name already running (pid $(cat "$pidfile"))"
            return 0
        fi
        log "restarting $name as $ALTO_USER with: $*"
        stop_daemon "$name"
    fi
    mkdir -p "$ALTO_RUN"
    state_dir "$ALTO_LOGS"
    # the daemon may open its log itself (log_file/log_dir): it must own the file
    touch "$logfile"
    chown "$ALTO_USER:$ALTO_GROUP" "$logfile"
    chmod 0640 "$logfile"
    setsid setpriv --reuid="$ALTO_USER" --regid="$ALTO_GROUP" --init-groups -- \
        env HOME="$ALTO_STATE" "$@" >>"$logfile" 2>&1 < /dev/null &
    echo $! > "$pidfile"
    log "started $name (pid $!) as $ALTO_USER, log $logfile"
}

# start_daemons SVC: start every daemon that "<SVC>_daemons" lists.
start_daemons() {
    local name args
    while read -r name args; do
        # shellcheck disable=SC2086  # paths have no spaces
        start_daemon "$name" "$ALTO_VENV/bin/$name" $args
    done < <("${1}_daemons")
}

# ensure_rabbitmq_account: the daemons' own RabbitMQ user and vhost (never guest), with a
# password generated on the first run and reused after; sets TRANSPORT_URL.  Skipped when
# TRANSPORT_URL is preset (an external broker).
ensure_rabbitmq_account() {
    [ -n "$TRANSPORT_URL" ] && return 0
    local password
    if [ -s "$RABBIT_PASSWORD_FILE" ]; then
        password=$(cat "$RABBIT_PASSWORD_FILE")
    else
        password=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
        (umask 077 && printf '%s\n' "$password" > "$RABBIT_PASSWORD_FILE")
    fi
    chown root:root "$RABBIT_PASSWORD_FILE"
    chmod 0600 "$RABBIT_PASSWORD_FILE"
    if rabbitmqctl -q list_users | awk '{print $1}' | grep -qx "$RABBIT_USER"; then
        rabbitmqctl -q authenticate_user "$RABBIT_USER" "$password" >/dev/null 2>&1 \
            || rabbitmqctl -q change_password "$RABBIT_USER" "$password" >/dev/null
    else
        rabbitmqctl -q add_user "$RABBIT_USER" "$password" >/dev/null
    fi
    rabbitmqctl -q list_vhosts | grep -qx "$RABBIT_VHOST" \
        || rabbitmqctl -q add_vhost "$RABBIT_VHOST" >/dev/null
    rabbitmqctl -q set_permissions -p "$RABBIT_VHOST" "$RABBIT_USER" '.*' '.*' '.*' >/dev/null
    TRANSPORT_URL=rabbit://$RABBIT_USER:$password@127.0.0.1:5672/$RABBIT_VHOST
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

# ensure_service_user NAME: a service user in project service holding keystone's service role
# only: it validates tokens, signs service tokens (keystonemiddleware requires the role in
# them) and makes the inter-service calls the policies grant to role:service.  An admin role
# left by an older install is taken away.
ensure_service_user() {
    local name=$1
    admin_openstack user show --domain default "$name" >/dev/null 2>&1 \
        || admin_openstack user create --domain default --password "$SERVICE_PASSWORD" "$name" >/dev/null
    admin_openstack role show service >/dev/null 2>&1 || admin_openstack role create service >/dev/null
    admin_openstack role add --project service --user "$name" service >/dev/null
    if [ -n "$(admin_openstack role assignment list --project service --user "$name" \
            --role admin -f value -c Role 2>/dev/null)" ]; then
        admin_openstack role remove --project service --user "$name" admin >/dev/null
    fi
}

# The key the network's metadata agent signs X-Instance-ID with and the compute metadata service
# checks: generated once, kept root-only in this file; both services' configs get it from here.
METADATA_SECRET_FILE=${METADATA_SECRET_FILE:-$ALTO_ETC/metadata_proxy.secret}

# metadata_proxy_secret: print the shared secret (made on the first run).
metadata_proxy_secret() {
    if [ ! -s "$METADATA_SECRET_FILE" ]; then
        (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > "$METADATA_SECRET_FILE")
    fi
    chown root:root "$METADATA_SECRET_FILE"
    chmod 0600 "$METADATA_SECRET_FILE"
    cat "$METADATA_SECRET_FILE"
}
