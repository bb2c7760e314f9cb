# Object store (swift-compatible Object Storage API) for stack.sh.  Sourced after common.sh.
#
# One storage node on this host: four devices (directories) in four zones under the state
# directory, the account, container and object servers serving them, the rings (3 replicas)
# built with alto-manage, and the proxy on 8080.  objectstore.conf is read by every daemon;
# the object store has no service database (its account and container databases are SQLite
# files on the devices), so there is no objectstore-db.conf.

OBJECTSTORE_CONF=$ALTO_ETC/objectstore.conf
OBJECTSTORE_PORT=${OBJECTSTORE_PORT:-8080}
OBJECTSTORE_URL=http://$HOST_IP:$OBJECTSTORE_PORT
OBJECTSTORE_DIR=$ALTO_STATE/objectstore
OBJECTSTORE_PART_POWER=${OBJECTSTORE_PART_POWER:-10}
OBJECTSTORE_DEVICES="d1 d2 d3 d4"

_objectstore_manage() {
    as_service_user "$ALTO_VENV/bin/alto-manage" --config-file "$OBJECTSTORE_CONF" objectstore "$@"
}

# _objectstore_ring TYPE PORT: build the TYPE ring once (four devices, zones 1-4).
_objectstore_ring() {
    local type=$1 port=$2 zone=0 dev specs=()
    [ -f "$OBJECTSTORE_DIR/rings/$type.ring.gz" ] && return 0
    for dev in $OBJECTSTORE_DEVICES; do
        zone=$((zone + 1))
        specs+=("r1z$zone-$HOST_IP:$port/$dev")
    done
    _objectstore_manage ring create "$type" --part-power "$OBJECTSTORE_PART_POWER" --replicas 3 --force
    _objectstore_manage ring add "$type" "${specs[@]}" --weight 100
    _objectstore_manage ring rebalance "$type"
}

objectstore_configure() {
    local dev suffix
    state_dir "$OBJECTSTORE_DIR" "$OBJECTSTORE_DIR/rings" "$OBJECTSTORE_DIR/devices"
    for dev in $OBJECTSTORE_DEVICES; do state_dir "$OBJECTSTORE_DIR/devices/$dev"; done
    iniset "$OBJECTSTORE_CONF" DEFAULT state_path "$ALTO_STATE"
    iniset "$OBJECTSTORE_CONF" DEFAULT transport_url "$TRANSPORT_URL"
    # The cluster's hash secret: generated once, never changed (it places every name).
    suffix=$(sed -n 's/^hash_path_suffix *= *//p' "$OBJECTSTORE_CONF" 2>/dev/null || true)
    [ -n "$suffix" ] || suffix=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    iniset "$OBJECTSTORE_CONF" objectstore hash_path_suffix "$suffix"
    iniset "$OBJECTSTORE_CONF" objectstore ring_dir "$OBJECTSTORE_DIR/rings"
    iniset "$OBJECTSTORE_CONF" storage devices "$OBJECTSTORE_DIR/devices"
    iniset "$OBJECTSTORE_CONF" storage bind_host "$HOST_IP"
    iniset "$OBJECTSTORE_CONF" api bind_host "$HOST_IP"
    iniset "$OBJECTSTORE_CONF" api bind_port "$OBJECTSTORE_PORT"
    write_authtoken_conf "$OBJECTSTORE_CONF"
    _objectstore_ring account 6202
    _objectstore_ring container 6201
    _objectstore_ring object 6200
}

# objectstore_daemons: "NAME ARGS" per daemon.
objectstore_daemons() {
    echo "alto-account-server --config-file $OBJECTSTORE_CONF"
    echo "alto-container-server --config-file $OBJECTSTORE_CONF"
    echo "alto-object-server --config-file $OBJECTSTORE_CONF"
    echo "alto-objectstore-updater --config-file $OBJECTSTORE_CONF"
    # background daemons: replication, audit, expiry, reaping of deleted accounts
    local daemon
    for daemon in replicator auditor expirer reaper; do
        echo "alto-objectstore-$daemon --config-file $OBJECTSTORE_CONF"
    done
    echo "alto-objectstore-proxy --config-file $OBJECTSTORE_CONF"
}

objectstore_start() {
    start_daemons objectstore
    wait_for_http "$OBJECTSTORE_URL/info" 60
}

objectstore_bootstrap() {
    ensure_service_user objectstore
    # shellcheck disable=SC2016  # $(project_id)s is the catalog's template, not a shell expansion
    register_service object-store swift "$OBJECTSTORE_URL"'/v1/AUTH_$(project_id)s'
    # Swift's reseller admin role, as clients and Tempest name it.
    admin_openstack role show ResellerAdmin >/dev/null 2>&1 ||
        admin_openstack role create ResellerAdmin >/dev/null
}
