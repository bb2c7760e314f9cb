#!/usr/bin/env bash
# Altostratus all-in-one: install what is missing, configure, start and bootstrap every
# service on this machine.  Run as root on Debian 12.  Idempotent: run it again at will.
# Settings: see deploy/lib/common.sh (e.g. DB_URL_BASE=mysql+pymysql://root@127.0.0.1).
#   stack.sh --prepare: only install (system packages, the daemons' user, the virtualenv with
#   the libvirt and Open vSwitch extras); nothing is configured or started.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

[ "$(id -u)" = 0 ] || die "run stack.sh as root"

ALTO_SERVICES=${ALTO_SERVICES:-identity image network compute volume objectstore}
# Debian's interpreter: the virtualenv must be usable by the unprivileged daemons.
ALTO_PYTHON=${ALTO_PYTHON:-/usr/bin/python3}
SYSTEM_PACKAGES="python3-venv python3-dev build-essential pkg-config libmariadb-dev curl rabbitmq-server qemu-utils util-linux passwd"

install_system_packages() {
    local missing=() p
    for p in $SYSTEM_PACKAGES; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q "${missing[@]}"
}

# _venv_usable: the daemons' user can run the virtualenv's interpreter (one made from a Python
# under /root, e.g. pyenv's, cannot: it is rebuilt from the system Python).
_venv_usable() {
    [ -x "$ALTO_VENV/bin/python" ] \
        && as_service_user test -x "$(readlink -f "$ALTO_VENV/bin/python")"
}

install_python() {
    # The install is editable: the daemons import from this checkout.
    as_service_user test -r "$ALTO_SRC/common/config.py" \
        || die "user $ALTO_USER cannot read $ALTO_SRC: put the checkout where it can (e.g. /opt/altostratus/src)"
    if ! _venv_usable; then
        log "creating virtualenv $ALTO_VENV with $ALTO_PYTHON"
        rm -rf "$ALTO_VENV"
        mkdir -p "$(dirname "$ALTO_VENV")"
        "$ALTO_PYTHON" -m venv "$ALTO_VENV"
        "$ALTO_VENV/bin/pip" install -q --upgrade pip
    fi
    log "installing Altostratus into $ALTO_VENV"
    "$ALTO_VENV/bin/pip" install -q -e "$ALTO_SRC" python-openstackclient osc-placement
}

ensure_rabbitmq() {
    if ! (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; then
        log "starting RabbitMQ"
        rabbitmq-server -detached
        for _ in $(seq 60); do
            (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null && return 0
            sleep 1
        done
        die "RabbitMQ did not start"
    fi
}

write_clouds_yaml() {
    mkdir -p "$(dirname "$CLOUDS_YAML")"
    "$ALTO_VENV/bin/python" - "$CLOUDS_YAML" "$HOST_IP" "$ADMIN_PASSWORD" "$REGION" <<'PY'
import os, sys, yaml
path, host, password, region = sys.argv[1:5]
doc = {}
if os.path.exists(path):
    with open(path) as f:
        doc = yaml.safe_load(f) or {}
clouds = doc.setdefault('clouds', {})
def cloud(user, project):
    return {'auth': {'auth_url': 'http://%s:5000/v3' % host, 'username': user,
                     'password': password, 'project_name': project,
                     'user_domain_id': 'default', 'project_domain_id': 'default'},
            'region_name': region, 'identity_api_version': 3, 'interface': 'public'}
clouds['altostratus-admin'] = cloud('admin', 'admin')
clouds['altostratus'] = cloud('demo', 'demo')
with open(path, 'w') as f:
    yaml.safe_dump(doc, f, default_flow_style=False)
os.chmod(path, 0o600)
PY
    log "wrote $CLOUDS_YAML (clouds altostratus-admin and altostratus)"
}

install_system_packages
ensure_system_user
install_python
if [ "${1:-}" = --prepare ]; then
    "$ALTO_VENV/bin/pip" install -q -e "$ALTO_SRC[libvirt,ovs]"
    log "prepared $ALTO_VENV (nothing started)"
    exit 0
fi
mkdir -p "$ALTO_ETC" "$ALTO_STATE" "$ALTO_LOGS" "$ALTO_RUN"
secure_install
ensure_rabbitmq
ensure_rabbitmq_account
write_clouds_yaml

for svc in $ALTO_SERVICES; do
    lib=$ALTO_SRC/deploy/lib/$svc.sh
    [ -f "$lib" ] || { log "no deploy/lib/$svc.sh yet; skipping $svc"; continue; }
    . "$lib"
    log "== $svc =="
    # <svc>_install (optional): what the service needs beyond the virtualenv (e.g. libvirt).
    if declare -F "${svc}_install" >/dev/null; then "${svc}_install"; fi
    "${svc}_configure"
    secure_install
    "${svc}_start"
    "${svc}_bootstrap"
done

log "Altostratus is running. Try: OS_CLOUD=altostratus openstack token issue"
