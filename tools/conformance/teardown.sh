#!/usr/bin/env bash
# Take down the cloud deploy/stack.sh brought up and leave the machine as it was (run as root):
# the servers are deleted through the API (their guests, disks and ports go as a delete does),
# the daemons stopped (deploy/unstack.sh), then what the data plane leaves behind is removed:
# the qdhcp-/qrouter- namespaces of the stack's networks and routers with the processes in
# them (dnsmasq, metadata proxies), any guest domain of those servers still defined, the
# stack's OVS bridges (br-int, br-tun and $PUBLIC_BRIDGE) and the host address on it.
# Namespaces, domains and bridges of anything else on the machine are not touched.
# The databases, configuration and image cache stay (stack.sh reuses them); libvirtd, OVS,
# RabbitMQ and the database servers stay running (other users of the machine need them).
#
# usage: tools/conformance/teardown.sh     (environment as deploy/stack.sh's)
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/deploy/lib/common.sh"
. "$TOP/deploy/lib/network.sh"
say() { echo "[teardown] $*" >&2; }
[ "$(id -u)" = 0 ] || { say "run as root"; exit 2; }

OSC=$ALTO_VENV/bin/openstack
export OS_CLOUD=altostratus-admin OS_CLIENT_CONFIG_FILE=$CLOUDS_YAML
osc() { timeout 120 "$OSC" "$@" 2>/dev/null; }

servers="" networks="" routers=""
if [ -x "$OSC" ] && [ -r "$CLOUDS_YAML" ] && curl -sf -o /dev/null "http://$HOST_IP:5000/v3"; then
    servers=$(osc server list --all-projects -f value -c ID)
    networks=$(osc network list -f value -c ID)
    routers=$(osc router list -f value -c ID)
    if [ -n "$servers" ]; then
        say "deleting $(wc -w <<<"$servers") server(s)"
        # shellcheck disable=SC2086
        osc server delete $servers
        for _ in $(seq 120); do
            [ -z "$(osc server list --all-projects -f value -c ID)" ] && break
            sleep 1
        done
    fi
else
    say "the cloud does not answer: only the daemons and what they left are removed"
fi

bash "$TOP/deploy/unstack.sh" >&2

prefix=$(sed -n 's/^[[:space:]]*domain_prefix[[:space:]]*=[[:space:]]*//p' \
         "$ALTO_ETC/compute.conf" 2>/dev/null | tail -1)
prefix=${prefix:-alto-}
for id in $servers; do
    dom=$prefix$id
    virsh -c qemu:///system dominfo "$dom" >/dev/null 2>&1 || continue
    say "removing guest $dom"
    virsh -c qemu:///system destroy "$dom" >/dev/null 2>&1
    virsh -c qemu:///system undefine --managed-save --nvram "$dom" >/dev/null 2>&1 \
        || virsh -c qemu:///system undefine "$dom" >/dev/null 2>&1
done

# Without the API (the cloud was already down): the namespaces the agents' state names.
if [ -z "$networks$routers" ]; then
    networks=$(ls "$NETWORK_DHCP_DIR" 2>/dev/null)
    routers=$(ls "$NETWORK_L3_DIR" 2>/dev/null)
fi
for ns in $(for n in $networks; do echo "qdhcp-$n"; done; for r in $routers; do echo "qrouter-$r"; done); do
    ip netns list | awk '{print $1}' | grep -qx "$ns" || continue
    pids=$(ip netns pids "$ns" 2>/dev/null)
    # shellcheck disable=SC2086
    [ -n "$pids" ] && kill -TERM $pids 2>/dev/null
    for _ in $(seq 25); do [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break; sleep 0.2; done
    pids=$(ip netns pids "$ns" 2>/dev/null)
    # shellcheck disable=SC2086
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
    ip netns delete "$ns" && say "removed namespace $ns"
done

ip addr del "$PUBLIC_HOST_ADDRESS/${PUBLIC_NETWORK_CIDR#*/}" dev "$PUBLIC_BRIDGE" 2>/dev/null
for br in br-int br-tun "$PUBLIC_BRIDGE"; do
    ovs-vsctl --timeout=10 br-exists "$br" 2>/dev/null || continue
    ovs-vsctl --timeout=10 del-br "$br" && say "removed bridge $br"
done
say "done"
