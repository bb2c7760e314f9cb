#!/usr/bin/env bash
# Run upstream Tempest (from PyPI) against this checkout's all-in-one cloud.
#
# usage: tools/conformance.sh [--list FILE | --regex REGEX] SERVICE [SERVICE ...]
#   SERVICE: identity image network compute volume object_storage
#   Without --list/--regex the API suites of the services named run (^tempest\.api\.<svc>\.).
#   --list FILE: exactly the test ids in FILE, e.g. the interoperability floor
#                tools/conformance/interop-2020.06.txt.
# usage: tools/conformance.sh --install-only: install Tempest into its venv and stop.
#
# What it does: starts the cloud with deploy/stack.sh if Keystone does not answer (needs root),
# installs Tempest into its own venv, reads the admin credentials from clouds.yaml (cloud
# altostratus-admin), looks up a public image, two flavors and the external network with the
# openstack CLI, writes tempest.conf (services on as the catalog lists them; features on
# except those tools/conformance/altostratus.conf turns off), runs the tests and prints
#   <service>: N passed, M failed, K skipped
# per service, then the wall time.  Exit status 0 when nothing failed.
#
# environment (all optional):
#   CONFORMANCE_DIR       work area (/var/tmp/alto-conformance): venv, workspace, lists
#   TEMPEST_VERSION       47.0.0           TEMPEST_CONCURRENCY   1 (SQLite has one writer)
#   TEMPEST_WS            workspace ($CONFORMANCE_DIR/ws): run.log, logs/tempest.log, last.subunit
#   CONFORMANCE_EXTRA_CONF  ini file merged over the generated tempest.conf, after altostratus.conf
#   CONFORMANCE_STACK     the installer to run when the cloud is down (this checkout's deploy/stack.sh)
#   OS_CLOUD / CLOUDS_YAML  altostratus-admin / /etc/openstack/clouds.yaml
#   ALTO_VENV             the cloud's venv, for its openstack CLI (/opt/altostratus/venv)
#   IMAGE_REF IMAGE_REF_ALT FLAVOR_REF FLAVOR_REF_ALT PUBLIC_NETWORK_ID: skip the look-ups
#   NETWORK_EXTENSIONS    comma-separated aliases for Tempest (default: what GET /v2.0/extensions
#                         lists; "all" makes Tempest assume every extension it knows)
#   CONFORMANCE_IMAGE     the bootable guest image, IMAGE_REF if present (alto-guest); its
#                         second image <name>-alt (registered when missing) is IMAGE_REF_ALT
#   CONFORMANCE_MIN_RAM   MiB a flavor needs to be picked (128: what that guest boots in)
#   PUBLIC_NETWORK_NAME   public           HTTP_PORT  80 (loopback server for web-download)
#   VALIDATION            0 turns Tempest's SSH checks of servers off (on when compute and network
#                         are tested and the external network exists)
#   IDENTITY_CONF         the cloud's identity.conf (/etc/altostratus/identity.conf): its
#                         [security_compliance] turns Tempest's security_compliance tests on
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
HERE=$TOP/tools/conformance
DIR=${CONFORMANCE_DIR:-/var/tmp/alto-conformance}
VERSION=${TEMPEST_VERSION:-47.0.0}
VENV=$DIR/venv-tempest-$VERSION
WS=${TEMPEST_WS:-$DIR/ws}
CONC=${TEMPEST_CONCURRENCY:-1}
STACK=${CONFORMANCE_STACK:-$TOP/deploy/stack.sh}
export OS_CLOUD=${OS_CLOUD:-altostratus-admin}
export OS_CLIENT_CONFIG_FILE=${CLOUDS_YAML:-/etc/openstack/clouds.yaml}
ALTO_VENV=${ALTO_VENV:-/opt/altostratus/venv}
OSC=$ALTO_VENV/bin/openstack
GUEST_IMAGE=${CONFORMANCE_IMAGE:-alto-guest}
MIN_RAM=${CONFORMANCE_MIN_RAM:-128}

usage() { sed -n 2,35p "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }
say() { echo "[conformance] $*" >&2; }
die() { say "$*"; exit 3; }

LIST="" REGEX="" INSTALL_ONLY=0
while [ $# -gt 0 ]; do
  case $1 in
    --list) LIST=$(readlink -f "${2:?}") || die "no such list $2"; shift 2 ;;
    --regex) REGEX=${2:?}; shift 2 ;;
    --install-only) INSTALL_ONLY=1; shift ;;
    -h|--help) usage 0 ;;
    -*) usage ;;
    *) break ;;
  esac
done
install_tempest() {
  mkdir -p "$DIR"
  [ -x "$VENV/bin/tempest" ] && return 0
  say "installing tempest $VERSION into $VENV"
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "tempest==$VERSION" \
    || { rm -rf "$VENV"; die "could not install tempest $VERSION"; }
}
if [ "$INSTALL_ONLY" = 1 ]; then install_tempest; exit 0; fi
[ $# -ge 1 ] || usage
SERVICES=("$@")
for s in "${SERVICES[@]}"; do
  case $s in identity|image|network|compute|volume|object_storage) ;;
    *) die "unknown service $s" ;; esac
done

# ---- the cloud -------------------------------------------------------------------------------
read_cloud() {
  "$ALTO_VENV/bin/python" - "$OS_CLIENT_CONFIG_FILE" "$OS_CLOUD" <<'PY'
import shlex, sys, yaml
cloud = yaml.safe_load(open(sys.argv[1]))['clouds'][sys.argv[2]]
a = cloud['auth']
for k, v in [('AUTH_URL', a['auth_url']), ('ADMIN_USER', a['username']),
             ('ADMIN_PASSWORD', a['password']), ('ADMIN_PROJECT', a['project_name']),
             ('ADMIN_USER_DOMAIN', a.get('user_domain_name') or a.get('user_domain_id', 'default')),
             ('ADMIN_PROJECT_DOMAIN', a.get('project_domain_name') or a.get('project_domain_id', 'default')),
             ('REGION', cloud.get('region_name', 'RegionOne'))]:
    print('%s=%s' % (k, shlex.quote(v)))
PY
}
answering() { [ -r "$OS_CLIENT_CONFIG_FILE" ] && [ -x "$OSC" ] && eval "$(read_cloud)" \
              && curl -sf -o /dev/null "$AUTH_URL"; }
if ! answering; then
  say "the cloud does not answer: $STACK"
  "$STACK" >&2 || die "$STACK failed"
  answering || die "the cloud still does not answer at ${AUTH_URL:-?}"
fi
eval "$(read_cloud)"
# tempest wants domain names; clouds.yaml may carry ids (default -> Default)
[ "$ADMIN_USER_DOMAIN" = default ] && ADMIN_USER_DOMAIN=Default
[ "$ADMIN_PROJECT_DOMAIN" = default ] && ADMIN_PROJECT_DOMAIN=Default
export AUTH_URL ADMIN_USER ADMIN_PASSWORD ADMIN_PROJECT ADMIN_USER_DOMAIN ADMIN_PROJECT_DOMAIN REGION

osc() { "$OSC" "$@" 2>/dev/null; }
AVAILABLE=$(osc catalog list -f value -c Type | tr '\n' ' ')
export AVAILABLE TESTED="${SERVICES[*]}"
say "catalog: $AVAILABLE"
# Servers boot real guests with the libvirt driver, and a guest that does not boot never lets a
# hot-plugged volume go: the stack's bootable guest image when it has one, else the oldest
# public image that is a disk (not a kernel or ramdisk), and the smallest flavors it boots in.
# The alternate (list filters, rebuild) is a second image of that guest (registered here: a
# rebuilt server must boot an OS too, or a volume attached to it is never released), else
# another disk image where there is one.
if [[ " $AVAILABLE " == *" image "* ]]; then
  images=$(osc image list --public --status active --sort created_at:asc --long -f value \
           -c ID -c Name -c "Disk Format" | awk '$3 != "aki" && $3 != "ari" {print $1}')
  guest=$(osc image show "$GUEST_IMAGE" -f value -c id 2>/dev/null)
  if [ -n "$guest" ] && [ -z "${IMAGE_REF_ALT:-}" ]; then
    IMAGE_REF_ALT=$(OPENSTACK=$OSC "$TOP/deploy/images/register.sh" "$GUEST_IMAGE" \
                    "$GUEST_IMAGE-alt" | sed -n 2p) || die "could not register $GUEST_IMAGE-alt"
  fi
  : "${IMAGE_REF:=${guest:-$(sed -n 1p <<<"$images")}}"
  : "${IMAGE_REF_ALT:=$(grep -vx "$IMAGE_REF" <<<"$images" | sed -n 1p)}"
  : "${IMAGE_REF_ALT:=$IMAGE_REF}"
fi
if [[ " $AVAILABLE " == *" compute "* ]]; then
  flavors=$(osc flavor list --sort-column RAM -f value -c ID -c RAM | awk -v min="$MIN_RAM" '$2 >= min {print $1}')
  : "${FLAVOR_REF:=$(sed -n 1p <<<"$flavors")}"
  : "${FLAVOR_REF_ALT:=$(sed -n 2p <<<"$flavors")}"
fi
PUBLIC_NETWORK_NAME=${PUBLIC_NETWORK_NAME:-public}
if [[ " $AVAILABLE " == *" network "* ]]; then
  : "${PUBLIC_NETWORK_ID:=$(osc network show "$PUBLIC_NETWORK_NAME" -f value -c id)}"
  # Tempest's [network-feature-enabled] api_extensions: the aliases the network API serves
  # (as devstack writes them), so tests of extensions not built skip instead of failing.
  : "${NETWORK_EXTENSIONS:=$(osc extension list --network -f value -c Alias | paste -sd, -)}"
fi
export IMAGE_REF="${IMAGE_REF:-}" IMAGE_REF_ALT="${IMAGE_REF_ALT:-}" FLAVOR_REF="${FLAVOR_REF:-}" \
       FLAVOR_REF_ALT="${FLAVOR_REF_ALT:-}" PUBLIC_NETWORK_ID="${PUBLIC_NETWORK_ID:-}" PUBLIC_NETWORK_NAME \
       NETWORK_EXTENSIONS="${NETWORK_EXTENSIONS:-}"
say "image $IMAGE_REF (alt ${IMAGE_REF_ALT:-same}), flavors $FLAVOR_REF/$FLAVOR_REF_ALT, public network $PUBLIC_NETWORK_ID"

# ---- tempest ---------------------------------------------------------------------------------
install_tempest
export PATH="$VENV/bin:$PATH"
# Tempest registers a workspace under a name (its directory's by default, taken once per user):
# one per path, so two workspaces both called ws do not collide.
[ -f "$WS/.stestr.conf" ] || tempest init --name "alto-$(printf %s "$WS" | md5sum | cut -c1-12)" \
    "$WS" >/dev/null || die "tempest init $WS failed"
mkdir -p "$WS/etc" "$WS/logs"

# a loopback web server with a small qcow2 for the web-download import tests (no internet here)
HTTP_PID=""
cleanup() { [ -n "$HTTP_PID" ] && kill "$HTTP_PID" 2>/dev/null; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
export HTTP_IMAGE_URL=""
if [[ " ${SERVICES[*]} " == *" image "* ]] && command -v qemu-img >/dev/null; then
  port=${HTTP_PORT:-80}
  mkdir -p "$WS/http"
  [ -f "$WS/http/small.qcow2" ] || qemu-img create -q -f qcow2 "$WS/http/small.qcow2" 16M
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$WS/http" >"$WS/http.log" 2>&1 &
  HTTP_PID=$!
  sleep 0.5
  if kill -0 "$HTTP_PID" 2>/dev/null; then HTTP_IMAGE_URL=http://127.0.0.1:$port/small.qcow2
  else say "no loopback web server on port $port (see $WS/http.log): web-download tests will fail"; HTTP_PID=""; fi
fi

OVERLAYS=$HERE/altostratus.conf${CONFORMANCE_EXTRA_CONF:+:$CONFORMANCE_EXTRA_CONF}
WS=$WS OVERLAYS=$OVERLAYS "$VENV/bin/python" "$HERE/tempest_conf.py" "$WS/etc/tempest.conf" \
  || die "could not write tempest.conf"

# ---- run -------------------------------------------------------------------------------------
cd "$WS" || die "no workspace $WS"
if [ -n "$LIST" ]; then
  # The list's tests as this configuration names them: ids compared without their attributes
  # (with validation on Tempest marks some tests "slow", "[id-...,slow]", which an exact id of
  # the list would miss: the test would silently not run).
  stestr list 2>/dev/null | awk -v list="$LIST" '
    BEGIN { while ((getline line < list) > 0) if (line ~ /^tempest\./) { sub(/\[.*/, "", line); want[line] = 1 } }
    /^tempest\./ { id = $0; sub(/\[.*/, "", id); if (id in want) print }' > "$WS/selected.txt"
  missing=$(( $(grep -c '^tempest\.' "$LIST") - $(wc -l < "$WS/selected.txt") ))
  [ "$missing" -le 0 ] || say "$missing tests of $LIST are not in Tempest $VERSION"
  SEL=(--load-list "$WS/selected.txt")
else
  [ -n "$REGEX" ] || REGEX="^tempest\.api\.($(IFS='|'; echo "${SERVICES[*]}"))\."
  stestr list "$REGEX" 2>/dev/null | grep '^tempest\.' > "$WS/selected.txt"
  SEL=(--regex "$REGEX")
fi
say "$(wc -l < "$WS/selected.txt") tests, concurrency $CONC; log $WS/run.log, requests $WS/logs/tempest.log"
: > "$WS/logs/tempest.log"
start=$(date +%s)
tempest run "${SEL[@]}" --concurrency "$CONC" > "$WS/run.log" 2>&1
rc=$?
end=$(date +%s)
stestr last --subunit > "$WS/last.subunit" 2>/dev/null
"$VENV/bin/python" "$HERE/summary.py" "$WS/last.subunit" "$WS/selected.txt" "${SERVICES[@]}"
echo "wall time: $((end - start)) s (tempest run exit $rc)"
[ $rc -eq 0 ]
