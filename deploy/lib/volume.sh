# Volume service (cinder-compatible Block Storage v3) for stack.sh.  Sourced after common.sh.
# Five daemons: api (8776), conductor (the only one with the database), scheduler, one
# alto-volume for this host's file backend (volumes are sparse raw files in
# $VOLUME_DIR; a guest attaches one as a file disk) and alto-volume-backup (cinder-backup:
# backups as compressed chunks, in the object store when it is one of $ALTO_SERVICES,
# else in $VOLUME_BACKUP_DIR).  The database URL lives in its own file
# that only the conductor and alto-manage read.  Registered in the catalog as `volumev3`
# and `block-storage`, both at /v3/$(project_id)s.

VOLUME_CONF=$ALTO_ETC/volume.conf
VOLUME_DB_CONF=$ALTO_ETC/volume-db.conf
VOLUME_PORT=${VOLUME_PORT:-8776}
VOLUME_URL=http://$HOST_IP:$VOLUME_PORT/v3/\$\(project_id\)s
VOLUME_HOST=${VOLUME_HOST:-$(hostname)}
VOLUME_BACKEND=${VOLUME_BACKEND:-file}
VOLUME_DIR=${VOLUME_DIR:-$ALTO_STATE/volume/volumes}
VOLUME_BACKUP_DIR=${VOLUME_BACKUP_DIR:-$ALTO_STATE/volume/backup}
# VOLUME_BACKUP_DRIVER=objectstore|posix: objectstore keeps backups as objects in containers
# (volumebackups by default) of project service, written as the volume service user (who
# gets the member role there); the default when the object store is deployed too.
VOLUME_BACKUP_DRIVER=${VOLUME_BACKUP_DRIVER:-}
# QEMU's user (Debian's libvirt), which must read and write the volume files it attaches.
VOLUME_QEMU_USER=${VOLUME_QEMU_USER:-${LIBVIRT_QEMU_USER:-libvirt-qemu}}

# _volume_backup_driver: the backup driver to configure.
_volume_backup_driver() {
    if [ -n "$VOLUME_BACKUP_DRIVER" ]; then
        echo "$VOLUME_BACKUP_DRIVER"
    elif [[ " ${ALTO_SERVICES:-} " == *" objectstore "* ]]; then
        echo objectstore
    else
        echo posix
    fi
}

volume_configure() {
    state_dir "$ALTO_STATE/volume" "$VOLUME_DIR" "$VOLUME_BACKUP_DIR"
    iniset "$VOLUME_CONF" DEFAULT state_path "$ALTO_STATE/volume"
    iniset "$VOLUME_CONF" DEFAULT transport_url "$TRANSPORT_URL"
    iniset "$VOLUME_CONF" DEFAULT host "$VOLUME_HOST"
    iniset "$VOLUME_CONF" api bind_host "$HOST_IP"
    iniset "$VOLUME_CONF" api bind_port "$VOLUME_PORT"
    iniset "$VOLUME_CONF" api auth_strategy keystone
    iniset "$VOLUME_CONF" volume backend_name "$VOLUME_BACKEND"
    iniset "$VOLUME_CONF" volume volume_driver file
    iniset "$VOLUME_CONF" volume volumes_dir "$VOLUME_DIR"
    iniset "$VOLUME_CONF" backup driver "$(_volume_backup_driver)"
    iniset "$VOLUME_CONF" backup backup_posix_path "$VOLUME_BACKUP_DIR"
    iniset "$VOLUME_CONF" backup objectstore_region_name "$REGION"
    iniset "$VOLUME_CONF" image region_name "$REGION"
    write_authtoken_conf "$VOLUME_CONF"
    # Service tokens for the image API (volumes created from images): the same service user.
    iniset "$VOLUME_CONF" service_user auth_type password
    iniset "$VOLUME_CONF" service_user auth_url "http://$HOST_IP:5000/v3"
    iniset "$VOLUME_CONF" service_user username volume
    iniset "$VOLUME_CONF" service_user password "$SERVICE_PASSWORD"
    iniset "$VOLUME_CONF" service_user project_name service
    iniset "$VOLUME_CONF" service_user user_domain_id default
    iniset "$VOLUME_CONF" service_user project_domain_id default
    iniset "$VOLUME_DB_CONF" database connection "$(db_url volume)"
    as_service_user "$ALTO_VENV/bin/alto-manage" --config-file "$VOLUME_CONF" \
        --config-file "$VOLUME_DB_CONF" volume db sync
}

# volume_share_state: QEMU passes through the state path to the volume files and reads and
# writes them (an ACL; the directories stay 0750).  Nothing to do without libvirt's user.
volume_share_state() {
    id "$VOLUME_QEMU_USER" >/dev/null 2>&1 || return 0
    command -v setfacl >/dev/null || return 0
    setfacl -m "u:$VOLUME_QEMU_USER:x" "$ALTO_STATE" "$ALTO_STATE/volume"
    setfacl -R -m "u:$VOLUME_QEMU_USER:rwX" "$VOLUME_DIR"
    setfacl -R -d -m "u:$VOLUME_QEMU_USER:rwX" "$VOLUME_DIR"
}

# volume_daemons: "NAME ARGS" per daemon; only the conductor reads volume-db.conf.
volume_daemons() {
    echo "alto-volume-conductor --config-file $VOLUME_CONF --config-file $VOLUME_DB_CONF"
    echo "alto-volume-scheduler --config-file $VOLUME_CONF"
    echo "alto-volume-api --config-file $VOLUME_CONF"
    echo "alto-volume --config-file $VOLUME_CONF"
    echo "alto-volume-backup --config-file $VOLUME_CONF"
}

volume_start() {
    volume_share_state
    start_daemons volume
    wait_for_http "http://$HOST_IP:$VOLUME_PORT/v3/" 90
}

volume_bootstrap() {
    ensure_service_user volume
    if [ "$(_volume_backup_driver)" = objectstore ]; then
        # the object store lets the operators (member) of project service write its account
        admin_openstack role add --project service --user volume member >/dev/null
    fi
    register_service volumev3 cinderv3 "$VOLUME_URL"
    register_service block-storage cinder "$VOLUME_URL"
    local i
    # The backend reports its capacity within seconds of starting.
    for i in $(seq 60); do
        [ -n "$(admin_openstack volume service list --service cinder-volume -f value \
            -c State 2>/dev/null | grep -x up)" ] && break
        sleep 1
    done
    log "volume: backend $VOLUME_HOST@$VOLUME_BACKEND (file, $VOLUME_DIR), backups: $(_volume_backup_driver)"
}
