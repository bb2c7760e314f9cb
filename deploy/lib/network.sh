# Network service (neutron-compatible Networking v2.0) for stack.sh.  Sourced after common.sh.
#
# Two daemons read network.conf; the database URL is in network-db.conf, which only the
# conductor (the database owner) and alto-manage read: the API never sees it.

# The data plane: alto-ovs-agent and alto-dhcp-agent run as root (they create br-int, namespaces
# and dnsmasq processes) against Open vSwitch, which network_install starts without systemd
# (userspace datapath: the kernel has no openvswitch module). dnsmasq drops to nobody and rereads
# its files, so they live outside the 0750 state directory.
# alto-l3-agent (root) serves every router in a qrouter- namespace, with its pid files and
# metadata proxy logs in $NETWORK_L3_DIR (root's, outside the service user's state directory);
# alto-metadata-agent runs as the service user, its socket in the state directory, and signs
# guests' metadata requests to the compute metadata service with the shared secret of
# $METADATA_SECRET_FILE. br-ex carries the flat "public" network and has no uplink: nothing
# the routers send leaves the host.

NETWORK_CONF=$ALTO_ETC/network.conf
NETWORK_AGENT_PACKAGES="openvswitch-switch dnsmasq-base dnsmasq-utils iproute2 iptables iputils-arping"
NETWORK_DHCP_DIR=${NETWORK_DHCP_DIR:-/var/lib/altostratus-dhcp}
NETWORK_L3_DIR=${NETWORK_L3_DIR:-/var/lib/altostratus-l3}
PUBLIC_BRIDGE=${PUBLIC_BRIDGE:-br-ex}
OVS_CTL=/usr/share/openvswitch/scripts/ovs-ctl
NETWORK_DB_CONF=$ALTO_ETC/network-db.conf
NETWORK_PORT=${NETWORK_PORT:-9696}
NETWORK_URL=http://$HOST_IP:$NETWORK_PORT
# The external network's range becomes a route of this host (PUBLIC_HOST_ADDRESS below): it
# must be one the host uses for nothing else (its resolver, package mirrors, uplink).
PUBLIC_NETWORK_CIDR=${PUBLIC_NETWORK_CIDR:-172.24.4.0/24}
PUBLIC_NETWORK_GATEWAY=${PUBLIC_NETWORK_GATEWAY:-172.24.4.1}
# The host's own address on br-ex, outside the floating IP pool: the host reaches floating IPs
# on the bridge, and, not being the gateway, is never handed traffic to forward anywhere.
PUBLIC_POOL_START=${PUBLIC_POOL_START:-172.24.4.2}
PUBLIC_POOL_END=${PUBLIC_POOL_END:-172.24.4.253}
PUBLIC_HOST_ADDRESS=${PUBLIC_HOST_ADDRESS:-172.24.4.254}
PRIVATE_NETWORK_CIDR=${PRIVATE_NETWORK_CIDR:-10.0.0.0/24}
# The shared default IPv4 subnet pool the auto-allocated topology (nova's networks "auto")
# takes project subnets from, of DEFAULT_SUBNETPOOL_PREFIXLEN each; away from the private
# network and from Tempest's project networks (10.100.0.0/16).
DEFAULT_SUBNETPOOL_V4=${DEFAULT_SUBNETPOOL_V4:-10.128.0.0/16}
DEFAULT_SUBNETPOOL_PREFIXLEN=${DEFAULT_SUBNETPOOL_PREFIXLEN:-26}

# network_install: Open vSwitch and dnsmasq (packages, ovsdbapp in the virtualenv), OVS running.
network_install() {
    local missing=() p
    for p in $NETWORK_AGENT_PACKAGES; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]} for the network agents"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q "${missing[@]}" >/dev/null \
            || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
    fi
    "$ALTO_VENV/bin/python" -c 'import ovsdbapp' 2>/dev/null || {
        log "installing ovsdbapp"
        "$ALTO_VENV/bin/pip" install -q -e "$ALTO_SRC[ovs]"
    }
    if ! ovs-vsctl --timeout=5 show >/dev/null 2>&1; then
        log "starting Open vSwitch"
        "$OVS_CTL" start --system-id=random >/dev/null 2>&1 || die "Open vSwitch did not start"
    fi
    mkdir -p "$NETWORK_DHCP_DIR" "$NETWORK_L3_DIR"
    chmod 0755 "$NETWORK_DHCP_DIR"
    chmod 0750 "$NETWORK_L3_DIR"
}

network_configure() {
    local f=$NETWORK_CONF
    state_dir "$ALTO_STATE" "$ALTO_LOGS"
    iniset "$f" DEFAULT state_path "$ALTO_STATE"
    iniset "$f" DEFAULT transport_url "$TRANSPORT_URL"
    iniset "$f" DEFAULT log_dir "$ALTO_LOGS"
    iniset "$f" ml2 type_drivers flat,vlan,vxlan
    iniset "$f" ml2 tenant_network_types vxlan
    iniset "$f" ml2 flat_networks '*'
    iniset "$f" ml2 network_vlan_ranges physnet1:1000:1999
    iniset "$f" ml2 vni_ranges 1:65535
    # SQLite has one writer, so one conductor worker; with MariaDB/PostgreSQL one per core.
    case "$DB_URL_BASE" in
        sqlite:*) iniset "$f" network_conductor workers 1 ;;
        *) iniset "$f" network_conductor workers "$(nproc)" ;;
    esac
    iniset "$f" ovs integration_bridge br-int
    iniset "$f" ovs datapath_type netdev
    iniset "$f" securitygroup firewall_driver openvswitch
    iniset "$f" dhcp_agent state_dir "$NETWORK_DHCP_DIR"
    # The flat "public" network (network_bootstrap) on its own bridge; the routers' SNAT and
    # floating IPs (alto-l3-agent), metadata through alto-metadata-agent.
    iniset "$f" ovs bridge_mappings "public:$PUBLIC_BRIDGE"
    iniset "$f" l3_agent state_dir "$NETWORK_L3_DIR"
    iniset "$f" metadata_agent nova_metadata_host "$HOST_IP"
    iniset "$f" metadata_agent nova_metadata_port "${METADATA_PORT:-8775}"
    iniset "$f" metadata_agent metadata_proxy_shared_secret "$(metadata_proxy_secret)"
    iniset "$f" api bind_host "$HOST_IP"
    iniset "$f" api bind_port "$NETWORK_PORT"
    iniset "$f" api auth_strategy keystone
    write_authtoken_conf "$f"
    _network_nova_conf "$f"
    # An older layout kept the URL in network.conf and the API in network-api.conf.
    inimove_section "$f" "$NETWORK_DB_CONF" database
    rm -f "$ALTO_ETC/network-api.conf"
    iniset "$NETWORK_DB_CONF" database connection "$(db_url network)"
    as_service_user "$ALTO_VENV/bin/alto-manage" --config-file "$NETWORK_CONF" \
        --config-file "$NETWORK_DB_CONF" network db sync
}

# _network_nova_conf FILE: [nova], the compute API the conductor sends port events to
# (network-vif-plugged, ...: compute resumes a new guest once its ports are wired), as the
# network service user, which holds the service role that os-server-external-events needs.
_network_nova_conf() {
    local f=$1
    iniset "$f" nova auth_type password
    iniset "$f" nova auth_url "http://$HOST_IP:5000/v3"
    iniset "$f" nova username network
    iniset "$f" nova password "$SERVICE_PASSWORD"
    iniset "$f" nova project_name service
    iniset "$f" nova user_domain_id default
    iniset "$f" nova project_domain_id default
    iniset "$f" nova region_name "$REGION"
    iniset "$f" nova endpoint_type internal
}

# network_daemons: "NAME ARGS" per daemon; only the conductor reads network-db.conf.
network_daemons() {
    echo "alto-network-conductor --config-file $NETWORK_CONF --config-file $NETWORK_DB_CONF"
    echo "alto-network-api --config-file $NETWORK_CONF"
    echo "alto-metadata-agent --config-file $NETWORK_CONF"
}

# network_agent_daemons: the agents, run as root.
network_agent_daemons() {
    echo "alto-ovs-agent --config-file $NETWORK_CONF"
    echo "alto-dhcp-agent --config-file $NETWORK_CONF"
    echo "alto-l3-agent --config-file $NETWORK_CONF"
}

# _start_root_daemon NAME COMMAND...: like start_daemon, as root (pid file and log alike).
_start_root_daemon() {
    local name=$1; shift
    local pidfile=$ALTO_RUN/$name.pid logfile=$ALTO_LOGS/$name.log cmdline
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        cmdline=$(tr '\0' ' ' < "/proc/$(cat "$pidfile")/cmdline" 2>/dev/null)
        if [[ "${cmdline% }" == *"$*" ]]; then
            log "$name already running (pid $(cat "$pidfile"))"
            return 0
        fi
        stop_daemon "$name"
    fi
    mkdir -p "$ALTO_RUN"
    setsid env HOME=/root "$@" >>"$logfile" 2>&1 < /dev/null &
    echo $! > "$pidfile"
    log "started $name (pid $!) as root, log $logfile"
}

network_start() {
    start_daemons network
    wait_for_http "$NETWORK_URL/" 60
    local name args
    while read -r name args; do
        # shellcheck disable=SC2086  # paths have no spaces
        _start_root_daemon "$name" "$ALTO_VENV/bin/$name" $args
    done < <(network_agent_daemons)
}

# _demo_openstack ARGS...: the openstack CLI as the demo user in project demo.
_demo_openstack() {
    OS_CLOUD=altostratus OS_CLIENT_CONFIG_FILE=$CLOUDS_YAML "$ALTO_VENV/bin/openstack" "$@"
}

_network_exists() {
    local cli=$1 kind=$2 name=$3
    [ -n "$($cli $kind list --name "$name" -f value -c ID 2>/dev/null)" ]
}

network_bootstrap() {
    ensure_service_user network
    register_service network neutron "$NETWORK_URL"
    # The conductor answers once its RPC server is up; wait for a real listing.
    local i
    for i in $(seq 60); do
        admin_openstack network list >/dev/null 2>&1 && break
        sleep 1
    done
    # External network on br-ex, which has no uplink: nothing is routed beyond this host.
    _network_exists admin_openstack network public \
        || admin_openstack network create --external --provider-network-type flat \
            --provider-physical-network public public >/dev/null
    _network_exists admin_openstack subnet public-subnet \
        || admin_openstack subnet create --network public --subnet-range "$PUBLIC_NETWORK_CIDR" \
            --gateway "$PUBLIC_NETWORK_GATEWAY" --no-dhcp \
            --allocation-pool "start=$PUBLIC_POOL_START,end=$PUBLIC_POOL_END" public-subnet >/dev/null
    # The auto-allocated topology needs a default external network and a default pool.
    admin_openstack network set --default public >/dev/null
    _network_exists admin_openstack "subnet pool" shared-default-subnetpool-v4 \
        || admin_openstack subnet pool create --share --default \
            --pool-prefix "$DEFAULT_SUBNETPOOL_V4" \
            --default-prefix-length "$DEFAULT_SUBNETPOOL_PREFIXLEN" \
            shared-default-subnetpool-v4 >/dev/null
    # The demo project's private network and its router to public.
    _network_exists _demo_openstack network private \
        || _demo_openstack network create private >/dev/null
    _network_exists _demo_openstack subnet private-subnet \
        || _demo_openstack subnet create --network private --subnet-range "$PRIVATE_NETWORK_CIDR" \
            private-subnet >/dev/null
    if ! _network_exists _demo_openstack router router1; then
        _demo_openstack router create router1 >/dev/null
        _demo_openstack router set --external-gateway public router1 >/dev/null
        _demo_openstack router add subnet router1 private-subnet >/dev/null
    fi
    network_host_on_public
    log "network: public ($PUBLIC_NETWORK_CIDR), private ($PRIVATE_NETWORK_CIDR), router1"
}

# network_host_on_public: $PUBLIC_HOST_ADDRESS on the OVS agent's $PUBLIC_BRIDGE, so that
# floating IPs answer from this host (and from nowhere else: the bridge has no uplink).
network_host_on_public() {
    local i
    for i in $(seq 30); do
        ip link show "$PUBLIC_BRIDGE" >/dev/null 2>&1 && break
        sleep 1
    done
    if ! ip link show "$PUBLIC_BRIDGE" >/dev/null 2>&1; then
        log "WARNING: no $PUBLIC_BRIDGE yet: floating IPs are not reachable from this host"
        return 0
    fi
    ip link set "$PUBLIC_BRIDGE" up
    ip addr replace "$PUBLIC_HOST_ADDRESS/${PUBLIC_NETWORK_CIDR#*/}" dev "$PUBLIC_BRIDGE"
}
