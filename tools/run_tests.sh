#!/usr/bin/env bash
# Install what the tests need and run them:
#   tools/run_tests.sh [unit|functional|fuzz|faults|e2e|e2e-light|conformance|all] [pytest args]
# functional and all include the bounded fuzz suite (tests/functional/fuzz); fuzz runs it
# alone in its heavy setting (ALTO_FUZZ_EXAMPLES random requests per API, default 3000).
# all runs the functional tier's light form: without the tests marked heavy (pytest.ini), which
# functional and `tox -e functional` run.
# functional runs on two pytest-xdist workers, one test module per worker (--dist loadfile):
# every module's cloud has its own ports, RabbitMQ vhost and databases (tests/functional/harness.py,
# databases.py).  FUNCTIONAL_WORKERS=0 runs it in one process.
# faults: the light form of the fault-injection suite (tests/faults, ALTO_FAULTS=light, about
# 3 minutes; ALTO_FAULTS=full for the full form).
# e2e: every real-QEMU/OVS test (tests/e2e, root); e2e-light: the tests marked e2e_light, the
# subset CI runs (a guest booted by the compute daemons reads its uuid and hostname from its
# config drive, stop/start and delete; a guest reads them from the metadata service and answers
# SSH; DHCP; floating IP ping from an outside namespace with SNAT and the metadata path; a
# security-group rule change taking effect; a volume hot-plugged into a running guest).
# conformance holds the floor: upstream Tempest's interoperability list
# (tools/conformance/interop-2020.06.txt) against deploy/stack.sh (root), with the machine's
# stack lock held (/var/tmp/alto-stack.lock, unless ALTO_STACK_LOCK_HELD=1 says the caller holds
# it), the stack brought up from this checkout and taken down and cleaned afterwards
# (tools/conformance/teardown.sh).
# all = lint, unit, functional, faults (light), e2e-light and conformance: what CI runs
# (.ci/run).  Each tier's wall time is printed at the end.
# Works on a fresh Debian 12 machine as root; creates .venv in the source tree.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
SUITE=${1:-all}; [ $# -gt 0 ] && shift
VENV=${VENV:-$PWD/.venv}
SYSTEM_PACKAGES="python3-venv python3-dev build-essential pkg-config libmariadb-dev curl qemu-utils mariadb-client postgresql-client"
# What the e2e tests add: QEMU, the guest image's inputs, config drives, SSH, namespaces.
# libvirt for the compute driver's tests (libvirt-python builds against libvirt-dev).
E2E_PACKAGES="qemu-system-x86 qemu-block-extra tgt busybox-static cpio linux-image-cloud-amd64 dropbear-bin genisoimage mtools openssh-client iproute2 e2fsprogs libvirt-daemon-system libvirt-clients libvirt-dev openvswitch-switch dnsmasq-base dnsmasq-utils iputils-ping"

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
    case $SUITE in e2e|e2e-light|all) extras=test,libvirt,ovs ;; esac
    "$VENV/bin/pip" install -q -e ".[$extras]"
}

run_pytest() {
    local rc=0
    "$VENV/bin/python" -m pytest "$@" || rc=$?
    # 5 means "no tests collected": not a failure for a suite that has none yet.
    [ $rc -eq 5 ] && rc=0
    return $rc
}

# shellcheck disable=SC2086
case $SUITE in
    e2e|e2e-light|all) install_system_packages $E2E_PACKAGES ;;
    *) install_system_packages ;;
esac
install_python
export PATH=$VENV/bin:$PATH

STACK_LOCK=${ALTO_STACK_LOCK:-/var/tmp/alto-stack.lock}
FUNCTIONAL_WORKERS=${FUNCTIONAL_WORKERS:-2}
functional_args() {
    if [ "$FUNCTIONAL_WORKERS" -gt 0 ] 2>/dev/null; then
        echo "-n $FUNCTIONAL_WORKERS --dist loadfile"
    fi
}

# stack_source: a checkout the stack's unprivileged user can read: this one, or (a clone under
# /root, say) a copy of it without .git and .venv in /var/tmp/alto-stack-src.
stack_source() {
    if runuser -u nobody -- test -r "$PWD/common/config.py" 2>/dev/null; then
        echo "$PWD"; return
    fi
    local dest=/var/tmp/alto-stack-src
    rm -rf "$dest" && mkdir -p "$dest"
    tar -C "$PWD" --exclude=./.venv --exclude=./.git -cf - . | tar -C "$dest" -xf -
    chmod -R a+rX "$dest"
    say "the stack runs from a copy of this checkout in $dest (the service user cannot read $PWD)" >&2
    echo "$dest"
}

# conformance_floor: the interoperability floor on a stack of this checkout, lock held from
# stack.sh to the end of the cleanup; the exit status is Tempest's.
conformance_floor() {
    [ "$(id -u)" = 0 ] || { say "conformance needs root (deploy/stack.sh)"; return 1; }
    local rc=0
    if [ "${ALTO_STACK_LOCK_HELD:-0}" != 1 ]; then
        exec 9>"$STACK_LOCK"
        say "waiting for the stack lock $STACK_LOCK"
        flock -w "${ALTO_STACK_LOCK_WAIT:-2700}" 9 || { say "no stack lock"; return 1; }
    fi
    # A cloud left running is someone else's checkout: stop its daemons, then stack this one.
    bash deploy/unstack.sh >/dev/null 2>&1 || true
    CONFORMANCE_STACK=${CONFORMANCE_STACK:-$(stack_source)/deploy/stack.sh} \
        bash tools/conformance.sh --list tools/conformance/interop-2020.06.txt \
        identity image network compute volume object_storage || rc=$?
    bash tools/conformance/teardown.sh || say "teardown failed"
    [ "${ALTO_STACK_LOCK_HELD:-0}" = 1 ] || flock -u 9
    return $rc
}

# prepare_conformance: install the stack's virtualenv and Tempest ahead of the conformance tier
# (run in the background while the unit and functional tiers run).  Skipped when another
# checkout's stack holds the lock: its source copy must not be replaced under it.
prepare_conformance() {
    [ "$(id -u)" = 0 ] || return 0
    (
        flock -n 8 || { say "stack lock busy: nothing prepared"; exit 0; }
        bash "$(stack_source)/deploy/stack.sh" --prepare && bash tools/conformance.sh --install-only
    ) 8>"$STACK_LOCK"
}

faults_light() { ALTO_FAULTS=light run_pytest -q --durations=10 -m faults tests/faults; }

TIMES=()
TIER_LOGS=${TIER_LOGS:-$(mktemp -d /tmp/alto-tiers.XXXXXX)}
# tier NAME COMMAND...: run one tier (its output also kept in $TIER_LOGS/NAME.log), remember
# its wall time and status.
tier() {
    local name=$1 start rc=0; shift
    start=$(date +%s)
    say "== $name =="
    "$@" 2>&1 | tee "$TIER_LOGS/$name.log" || rc=$?
    TIMES+=("$(printf '%-12s %4d s  exit %d' "$name" $(($(date +%s) - start)) $rc)")
    return $rc
}

case "$SUITE" in
    unit) run_pytest -q tests/unit "$@" ;;
    # shellcheck disable=SC2046
    functional) ensure_backing_services; run_pytest -q $(functional_args) -m functional tests/functional "$@" ;;
    fuzz)
        ensure_backing_services
        ALTO_FUZZ_EXAMPLES=${ALTO_FUZZ_EXAMPLES:-3000} run_pytest -q -m fuzz tests/functional/fuzz "$@" ;;
    faults) ensure_backing_services; ALTO_FAULTS=${ALTO_FAULTS:-light} run_pytest -q -m faults tests/faults "$@" ;;
    # Real QEMU guests (software emulation), as root.
    e2e) ensure_backing_services; run_pytest -q -m e2e tests/e2e "$@" ;;
    e2e-light) ensure_backing_services; run_pytest -q -m "e2e and e2e_light" tests/e2e "$@" ;;
    conformance) ensure_backing_services; conformance_floor ;;
    all)
        # Lint first (seconds); unit tests on two workers (no sockets, no shared state), while the
        # conformance tier's stack virtualenv and Tempest install in the background; the
        # functional tier on two workers, a module per worker; then the tiers that need the
        # machine more or less to themselves: faults, e2e-light, the conformance floor.  e2e-light
        # must not overlap the stack: the stack's DHCP and L3 agents remove every qdhcp- and
        # qrouter- namespace that is not theirs, the e2e tests' included.
        start_all=$(date +%s)
        rc=0
        tier lint "$VENV/bin/ruff" check common services tests tools || rc=1
        ensure_backing_services
        prepare_conformance > "$TIER_LOGS/prepare.log" 2>&1 &
        prepare_pid=$!
        tier unit run_pytest -q -n 2 --durations=25 tests/unit "$@" || rc=1
        # shellcheck disable=SC2046
        tier functional run_pytest -q $(functional_args) --durations=40 -m "not heavy" tests/functional "$@" || rc=1
        tier faults faults_light || rc=1
        tier e2e-light run_pytest -q --durations=10 -m "e2e and e2e_light" tests/e2e || rc=1
        wait "$prepare_pid" || say "preparing the stack failed ($TIER_LOGS/prepare.log); conformance installs it"
        tier conformance conformance_floor || rc=1
        # The failures of every tier again at the end: a long tier's summary scrolls far away.
        say "failures:"
        grep -h -E '^(FAILED|ERROR) |\.\.\. FAILED$|^\{[0-9]+\} .*\.\.\. FAILED' "$TIER_LOGS"/*.log \
            | sed 's/^/[run_tests]   /' || say "  none"
        say "wall times:"
        printf '[run_tests]   %s\n' "${TIMES[@]}"
        say "all: $(($(date +%s) - start_all)) s, exit $rc"
        exit $rc ;;
    *) say "unknown suite $SUITE (unit|functional|fuzz|faults|e2e|e2e-light|conformance|all)"; exit 2 ;;
esac
