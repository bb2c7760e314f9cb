#!/usr/bin/env bash
# Install what the tests need and run them: tools/run_tests.sh [unit|functional|fuzz|faults|e2e|conformance|all] [pytest args]
# functional and all include the bounded fuzz suite (tests/functional/fuzz); fuzz runs it
# alone in its heavy setting (ALTO_FUZZ_EXAMPLES random requests per API, default 3000).
# all ends with the light form of the fault-injection suite (tests/faults, ALTO_FAULTS=light,
# about 3 minutes); faults runs it alone (ALTO_FAULTS=full for the full form).
# conformance holds the floor: upstream Tempest's interoperability list
# (tools/conformance/interop-2020.06.txt) against deploy/stack.sh, brought up if it does not
# answer (root only); not part of all, which would take about 20 minutes more with it.
# Works on a fresh Debian 12 machine as root; creates .venv in the source tree.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
SUITE=${1:-all}; [ $# -gt 0 ] && shift
VENV=${VENV:-$PWD/.venv}
SYSTEM_PACKAGES="python3-venv python3-dev build-essential pkg-config libmariadb-dev curl qemu-utils mariadb-client postgresql-client"
# What the e2e tests add: QEMU, the guest image's inputs, config drives, SSH, namespaces.
# libvirt for the compute driver's tests (libvirt-python builds against libvirt-dev).
E2E_PACKAGES="qemu-system-x86 qemu-block-extra tgt busybox-static cpio linux-image-cloud-amd64 dropbear-bin genisoimage mtools openssh-client iproute2 e2fsprogs libvirt-daemon-system libvirt-clients libvirt-dev openvswitch-switch dnsmasq-base iputils-ping"

say() { echo "[run_tests] $*"; }

install_system_packages() {
    local missing=() p
    for p in $SYSTEM_PACKAGES "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" = 0 ] || { say "missing packages ${missing[*]} (run as root to install)"; return 0; }
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q "${missing[@]}" >/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure_backing_services() {
    # RabbitMQ, MariaDB and PostgreSQL are needed by the functional tests.
    port_open 5672 || { say "starting RabbitMQ"; rabbitmq-server -detached || true; }
    port_open 3306 || { say "starting MariaDB"; start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true; }
    port_open 5432 || { say "starting PostgreSQL"; pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true; }
    for _ in $(seq 60); do port_open 5672 && port_open 3306 && break; sleep 1; done
}

install_python() {
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip >/dev/null
    local extras=test
    [ "$SUITE" = e2e ] && extras=test,libvirt,ovs
    "$VENV/bin/pip" install -q -e ".[$extras]"
}

run_pytest() {
    local rc=0
    "$VENV/bin/python" -m pytest "$@" || rc=$?
    # 5 means "no tests collected": not a failure for a suite that has none yet.
    [ $rc -eq 5 ] && rc=0
    return $rc
}

if [ "$SUITE" = e2e ]; then install_system_packages $E2E_PACKAGES; else install_system_packages; fi
install_python
export PATH=$VENV/bin:$PATH

case "$SUITE" in
    unit) run_pytest -q tests/unit "$@" ;;
    functional) ensure_backing_services; run_pytest -q -m functional tests/functional "$@" ;;
    fuzz)
        ensure_backing_services
        ALTO_FUZZ_EXAMPLES=${ALTO_FUZZ_EXAMPLES:-3000} run_pytest -q -m fuzz tests/functional/fuzz "$@" ;;
    faults) ensure_backing_services; ALTO_FAULTS=${ALTO_FAULTS:-light} run_pytest -q -m faults tests/faults "$@" ;;
    # Real QEMU guests (software emulation); not part of "all".
    e2e) ensure_backing_services; run_pytest -q -m e2e tests/e2e "$@" ;;
    conformance)
        ensure_backing_services
        bash tools/conformance.sh --list tools/conformance/interop-2020.06.txt \
            identity image network compute volume object_storage ;;
    all)
        # Lint first (seconds); unit tests on two workers (no sockets, no shared
        # state); the functional tier in one process (its daemons share the machine).
        "$VENV/bin/ruff" check common services tests tools
        ensure_backing_services
        rc=0
        run_pytest -q -n 2 tests/unit "$@" || rc=$?
        run_pytest -q tests/functional "$@" || rc=$?
        # Fault injection, light form: private RabbitMQ node and MariaDB per scenario.
        ALTO_FAULTS=light run_pytest -q -m faults tests/faults || rc=$?
        exit $rc ;;
    *) say "unknown suite $SUITE (unit|functional|fuzz|faults|e2e|conformance|all)"; exit 2 ;;
esac
