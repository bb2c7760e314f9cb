#!/usr/bin/env bash
# The real OpenStack dashboard (Horizon) against deploy/stack.sh's cloud, on loopback only.
#
# usage: tools/horizon/horizon.sh install|start|stop|status
#   install  Horizon $HORIZON_VERSION and playwright into their own venv ($HORIZON_VENV),
#            local_settings.py pointing at the stack's keystone, static files collected.
#   start    `django-admin runserver $HORIZON_BIND` in the background (log $HORIZON_LOG,
#            the clients' request lines in $HORIZON_API_LOG); waits until the login page answers.
#   stop     stops the server that `start` started (its pid file), nothing else.
#   status   prints the URL when the server answers.
# Settings (environment): HORIZON_HOME (/var/tmp/alto-horizon), HORIZON_PORT (8091; not 8080,
# the object store's proxy), KEYSTONE_URL (http://127.0.0.1:5000/v3), HORIZON_VERSION (27.0.0).
# Not part of CI: it needs the stack and a browser (tools/horizon/check).
set -euo pipefail

HORIZON_HOME=${HORIZON_HOME:-/var/tmp/alto-horizon}
HORIZON_VENV=${HORIZON_VENV:-$HORIZON_HOME/venv}
HORIZON_VERSION=${HORIZON_VERSION:-27.0.0}
HORIZON_PORT=${HORIZON_PORT:-8091}
HORIZON_BIND=127.0.0.1:$HORIZON_PORT
HORIZON_URL=${HORIZON_URL:-http://$HORIZON_BIND}
HORIZON_LOG=${HORIZON_LOG:-$HORIZON_HOME/horizon.log}
HORIZON_API_LOG=${HORIZON_API_LOG:-$HORIZON_HOME/horizon-api.log}
HORIZON_PID=$HORIZON_HOME/horizon.pid
KEYSTONE_URL=${KEYSTONE_URL:-http://127.0.0.1:5000/v3}
PYTHON=${PYTHON:-python3}

say() { echo "[horizon] $*" >&2; }
die() { say "$*"; exit 1; }

case "$KEYSTONE_URL" in
    http://127.0.0.1:*|http://localhost:*) ;;
    *) die "KEYSTONE_URL must be on loopback (got $KEYSTONE_URL)" ;;
esac

django_admin() {
    DJANGO_SETTINGS_MODULE=openstack_dashboard.settings "$HORIZON_VENV/bin/django-admin" "$@"
}

settings_dir() {
    "$HORIZON_VENV/bin/python" -c \
        'import os, openstack_dashboard; print(os.path.dirname(openstack_dashboard.__file__))'
}

write_local_settings() {
    local dir secret
    dir=$(settings_dir)/local
    mkdir -p "$dir" "$HORIZON_HOME/static"
    secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
    cat > "$dir/local_settings.py" <<EOF
# Written by Altostratus tools/horizon/horizon.sh: Horizon against deploy/stack.sh's cloud.
DEBUG = False
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']
SECRET_KEY = '$secret'
STATIC_ROOT = '$HORIZON_HOME/static'
COMPRESS_OFFLINE = False
WEBROOT = '/'

OPENSTACK_HOST = '127.0.0.1'
OPENSTACK_KEYSTONE_URL = '$KEYSTONE_URL'
OPENSTACK_KEYSTONE_MULTIDOMAIN_SUPPORT = False
OPENSTACK_KEYSTONE_DEFAULT_DOMAIN = 'Default'
OPENSTACK_KEYSTONE_DEFAULT_ROLE = 'member'
OPENSTACK_ENDPOINT_TYPE = 'publicURL'
OPENSTACK_API_VERSIONS = {'identity': 3, 'volume': 3, 'compute': 2}
OPENSTACK_SSL_NO_VERIFY = True

# Local memory instead of memcached; the default 300 entries evict sessions within seconds.
CACHES = {
    'default': {
        'BACKEND': 'django.core.cache.backends.locmem.LocMemCache',
        'OPTIONS': {'MAX_ENTRIES': 100000},
    },
}
SESSION_ENGINE = 'django.contrib.sessions.backends.cache'
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Horizon's own errors on the console (horizon.log); every request the API clients make,
# with its status, in horizon-api.log: that is where a failing panel's API call shows.
LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'formatters': {
        'plain': {'format': '%(asctime)s %(levelname)s %(name)s %(message)s'},
    },
    'handlers': {
        'console': {'class': 'logging.StreamHandler', 'formatter': 'plain'},
        'api': {'class': 'logging.FileHandler', 'formatter': 'plain',
                'filename': '$HORIZON_API_LOG'},
    },
    'loggers': {
        'horizon': {'handlers': ['console'], 'level': 'INFO'},
        'openstack_dashboard': {'handlers': ['console'], 'level': 'INFO'},
        'openstack_auth': {'handlers': ['console'], 'level': 'INFO'},
        'django': {'handlers': ['console'], 'level': 'WARNING'},
        'keystoneauth': {'handlers': ['api'], 'level': 'DEBUG', 'propagate': False},
        'novaclient': {'handlers': ['api'], 'level': 'DEBUG', 'propagate': False},
        'cinderclient': {'handlers': ['api'], 'level': 'DEBUG', 'propagate': False},
        'swiftclient': {'handlers': ['api'], 'level': 'DEBUG', 'propagate': False},
        'glanceclient': {'handlers': ['api'], 'level': 'DEBUG', 'propagate': False},
        'neutronclient': {'handlers': ['api'], 'level': 'DEBUG', 'propagate': False},
        'urllib3': {'handlers': ['api'], 'level': 'DEBUG', 'propagate': False},
    },
}
EOF
    say "wrote $dir/local_settings.py (keystone $KEYSTONE_URL)"
}

do_install() {
    mkdir -p "$HORIZON_HOME"
    if [ ! -x "$HORIZON_VENV/bin/python" ]; then
        say "creating $HORIZON_VENV"
        "$PYTHON" -m venv "$HORIZON_VENV"
    fi
    if ! "$HORIZON_VENV/bin/python" -c 'import importlib.metadata as m, sys;
sys.exit(m.version("horizon") != sys.argv[1])' "$HORIZON_VERSION" 2>/dev/null \
        || ! "$HORIZON_VENV/bin/python" -c 'import playwright' 2>/dev/null; then
        say "installing horizon==$HORIZON_VERSION and playwright"
        "$HORIZON_VENV/bin/pip" install -q "horizon==$HORIZON_VERSION" playwright
    fi
    write_local_settings
    say "collecting static files into $HORIZON_HOME/static"
    django_admin collectstatic --noinput -v 0
}

answers() { curl -sf -o /dev/null --max-time 5 "$HORIZON_URL/auth/login/"; }

do_start() {
    [ -x "$HORIZON_VENV/bin/django-admin" ] || die "not installed: run $0 install"
    if answers; then say "already running at $HORIZON_URL"; return 0; fi
    (exec 3<>"/dev/tcp/127.0.0.1/$HORIZON_PORT") 2>/dev/null \
        && die "port $HORIZON_PORT is taken by something else (set HORIZON_PORT)"
    : > "$HORIZON_API_LOG"
    say "starting Horizon on $HORIZON_URL (log $HORIZON_LOG)"
    DJANGO_SETTINGS_MODULE=openstack_dashboard.settings setsid \
        "$HORIZON_VENV/bin/django-admin" runserver "$HORIZON_BIND" --insecure --noreload \
        >"$HORIZON_LOG" 2>&1 < /dev/null &
    echo $! > "$HORIZON_PID"
    for _ in $(seq 90); do
        answers && { say "Horizon answers at $HORIZON_URL"; return 0; }
        kill -0 "$(cat "$HORIZON_PID")" 2>/dev/null || { tail -n 30 "$HORIZON_LOG" >&2; die "Horizon exited"; }
        sleep 1
    done
    die "Horizon did not answer within 90 s (see $HORIZON_LOG)"
}

do_stop() {
    [ -f "$HORIZON_PID" ] || { say "not started by this script"; return 0; }
    local pid
    pid=$(cat "$HORIZON_PID")
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        say "stopped Horizon (pid $pid)"
    fi
    rm -f "$HORIZON_PID"
}

case "${1:-}" in
    install) do_install ;;
    start) do_start ;;
    stop) do_stop ;;
    status) answers && echo "$HORIZON_URL" || { say "not answering at $HORIZON_URL"; exit 1; } ;;
    *) die "usage: $0 install|start|stop|status" ;;
esac
