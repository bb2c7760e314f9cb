# Compute service (nova-compatible Compute v2.1) for stack.sh.  Sourced after common.sh.
# Four daemons: api (8774), conductor (the only one with the database), scheduler, and one
# compute for this host.  The database URL lives in its own file that only the conductor
# and alto-manage read.

COMPUTE_CONF=$ALTO_ETC/compute.conf
COMPUTE_DB_CONF=$ALTO_ETC/compute-db.conf
COMPUTE_PORT=${COMPUTE_PORT:-8774}
COMPUTE_URL=http://$HOST_IP:$COMPUTE_PORT/v2.1
COMPUTE_HOST=${COMPUTE_HOST:-$(hostname)}
COMPUTE_DEMO_SERVER=${COMPUTE_DEMO_SERVER:-demo-server}

compute_configure() {
    state_dir "$ALTO_STATE/compute"
    iniset "$COMPUTE_CONF" DEFAULT state_path "$ALTO_STATE/compute"
    iniset "$COMPUTE_CONF" DEFAULT transport_url "$TRANSPORT_URL"
    iniset "$COMPUTE_CONF" DEFAULT host "$COMPUTE_HOST"
    iniset "$COMPUTE_CONF" api bind_host "$HOST_IP"
    iniset "$COMPUTE_CONF" api bind_port "$COMPUTE_PORT"
    iniset "$COMPUTE_CONF" api auth_strategy keystone
    iniset "$COMPUTE_CONF" compute compute_driver fake
    iniset "$COMPUTE_CONF" clients backend rest
    iniset "$COMPUTE_CONF" image region_name "$REGION"
    iniset "$COMPUTE_CONF" network region_name "$REGION"
    write_authtoken_conf "$COMPUTE_CONF"
    # Service tokens for the image and network APIs: the same service user.
    iniset "$COMPUTE_CONF" service_user auth_type password
    iniset "$COMPUTE_CONF" service_user auth_url "http://$HOST_IP:5000/v3"
    iniset "$COMPUTE_CONF" service_user username compute
    iniset "$COMPUTE_CONF" service_user password "$SERVICE_PASSWORD"
    iniset "$COMPUTE_CONF" service_user project_name service
    iniset "$COMPUTE_CONF" service_user user_domain_id default
    iniset "$COMPUTE_CONF" service_user project_domain_id default
    iniset "$COMPUTE_DB_CONF" database connection "$(db_url compute)"
    as_service_user "$ALTO_VENV/bin/alto-manage" --config-file "$COMPUTE_CONF" \
        --config-file "$COMPUTE_DB_CONF" compute db sync
}

# compute_daemons: "NAME ARGS" per daemon; only the conductor reads compute-db.conf.
compute_daemons() {
    echo "alto-compute-conductor --config-file $COMPUTE_CONF --config-file $COMPUTE_DB_CONF"
    echo "alto-compute-scheduler --config-file $COMPUTE_CONF"
    echo "alto-compute-api --config-file $COMPUTE_CONF"
    echo "alto-compute --config-file $COMPUTE_CONF"
}

compute_start() {
    start_daemons compute
    wait_for_http "$COMPUTE_URL/" 90
}

_compute_flavor() {
    local name=$1 ram=$2 vcpus=$3 disk=$4 id=$5
    admin_openstack flavor show "$name" >/dev/null 2>&1 && return 0
    admin_openstack flavor create --id "$id" --ram "$ram" --vcpus "$vcpus" --disk "$disk" \
        --public "$name" >/dev/null
}

compute_bootstrap() {
    ensure_service_user compute
    register_service compute nova "$COMPUTE_URL"
    _compute_flavor m1.nano 64 1 0 0
    _compute_flavor m1.tiny 512 1 1 1
    _compute_flavor m1.small 2048 1 20 2
    _compute_flavor m1.medium 4096 2 40 3
    _compute_flavor m1.large 8192 4 80 4
    _compute_flavor m1.xlarge 16384 8 160 5
    local i
    # The compute node reports itself within seconds of starting.
    for i in $(seq 60); do
        [ -n "$(admin_openstack hypervisor list -f value -c ID 2>/dev/null)" ] && break
        sleep 1
    done
    if [ -n "$(env OS_CLOUD=altostratus OS_CLIENT_CONFIG_FILE="$CLOUDS_YAML" \
            "$ALTO_VENV/bin/openstack" server list --name "^$COMPUTE_DEMO_SERVER\$" -f value -c ID)" ]; then
        log "demo server $COMPUTE_DEMO_SERVER already exists"
        return 0
    fi
    env OS_CLOUD=altostratus OS_CLIENT_CONFIG_FILE="$CLOUDS_YAML" "$ALTO_VENV/bin/openstack" \
        server create --image "${IMAGE_TINY_NAME:-alto-tiny}" --flavor m1.nano \
        --network private --wait "$COMPUTE_DEMO_SERVER" >/dev/null
    log "compute: flavors m1.nano..m1.xlarge, demo server $COMPUTE_DEMO_SERVER ACTIVE"
}
