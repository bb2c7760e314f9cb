# Volume service (cinder-compatible Block Storage v3) for stack.sh.  Sourced after common.sh.
# Five daemons: api (8776), conductor (the only one with the database), scheduler, one
# alto-volume for this host's file backend (volumes are sparse raw files in
# $VOLUME_DIR; a guest attaches one as a file disk, or with VOLUME_DRIVER=iscsi through tgtd) and
# alto-volume-backup (cinder-backup: backups as compressed chunks, in the object store when it
# is one of $ALTO_SERVICES, else in $VOLUME_BACKUP_DIR).  The database URL lives in its own file
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
# the public volume type of multi-attach volumes, made at bootstrap
VOLUME_MULTIATTACH_TYPE=${VOLUME_MULTIATTACH_TYPE:-multiattach}
# VOLUME_BACKUP_DRIVER=objectstore|posix: objectstore keeps backups as objects in containers
# (volumebackups by default) of project service, written as the volume service user (who
# gets the member role there); the default when the object store is deployed too.
VOLUME_BACKUP_DRIVER=${VOLUME_BACKUP_DRIVER:-}
# QEMU's user (Debian's libvirt), which must read and write the volume files it attaches.
VOLUME_QEMU_USER=${VOLUME_QEMU_USER:-${LIBVIRT_QEMU_USER:-libvirt-qemu}}
# The backend's driver: file (the default) or iscsi (the same files, each attachment exported
# by tgtd with its own CHAP account; QEMU's own initiator logs in from the compute host).
# tgtd takes commands from root only: alto-volume runs tgtadm through sudo, allowed for that
# one command.  tgtd (no systemd) listens on VOLUME_ISCSI_IP only.
VOLUME_DRIVER=${VOLUME_DRIVER:-file}
VOLUME_ISCSI_IP=${VOLUME_ISCSI_IP:-127.0.0.1}
VOLUME_ISCSI_PORT=${VOLUME_ISCSI_PORT:-3260}
VOLUME_TGT_CONTROL_PORT=${VOLUME_TGT_CONTROL_PORT:-0}
VOLUME_TGTADM_SUDOERS=/etc/sudoers.d/alto-volume-tgtadm

volume_install() {
    [ "$VOLUME_DRIVER" = iscsi ] || return 0
    local missing=() p
    for p in tgt sudo; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]} for the iscsi volume driver"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q "${missing[@]}" >/dev/null \
            || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
    fi
    printf '%s ALL=(root) NOPASSWD: %s\n' "$ALTO_USER" "$(command -v tgtadm)" \
        > "$VOLUME_TGTADM_SUDOERS"
    chmod 0440 "$VOLUME_TGTADM_SUDOERS"
}

_tgtd_answers() {
    tgtadm -C "$VOLUME_TGT_CONTROL_PORT" --lld iscsi --mode target --op show >/dev/null 2>&1
}

# volume_start_tgtd: tgtd on VOLUME_ISCSI_IP:VOLUME_ISCSI_PORT unless one answers on the
# control port; its pid file sits with the daemons' so unstack.sh stops it too.
volume_start_tgtd() {
    [ "$VOLUME_DRIVER" = iscsi ] || return 0
    _tgtd_answers && return 0
    mkdir -p "$ALTO_RUN"
    tgtd -C "$VOLUME_TGT_CONTROL_PORT" -p "$ALTO_RUN/alto-tgtd.pid" \
        --iscsi "portal=$VOLUME_ISCSI_IP:$VOLUME_ISCSI_PORT"
    local i
    for i in $(seq 30); do _tgtd_answers && break; sleep 0.5; done
    _tgtd_answers || die "tgtd did not start"
    log "started tgtd on $VOLUME_ISCSI_IP:$VOLUME_ISCSI_PORT"
}

# volume_stop_tgtd: tgtd ignores SIGTERM; its own "system delete" stops it.
volume_stop_tgtd() {
    local pidfile=$ALTO_RUN/alto-tgtd.pid pid i
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    tgtadm -C "$VOLUME_TGT_CONTROL_PORT" --mode system --op delete >/dev/null 2>&1 || true
    for i in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    rm -f "$pidfile"
    log "stopped tgtd"
}

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
    iniset "$VOLUME_CONF" volume volume_driver "$VOLUME_DRIVER"
    if [ "$VOLUME_DRIVER" = iscsi ]; then
        iniset "$VOLUME_CONF" iscsi target_ip_address "$VOLUME_ISCSI_IP"
        iniset "$VOLUME_CONF" iscsi target_port "$VOLUME_ISCSI_PORT"
        iniset "$VOLUME_CONF" iscsi tgt_control_port "$VOLUME_TGT_CONTROL_PORT"
        iniset "$VOLUME_CONF" iscsi tgtadm "sudo -n tgtadm"
    fi
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
    volume_start_tgtd
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
    # A public type for volumes several servers share (compute API 2.60 multi-attach).
    if ! admin_openstack volume type show "$VOLUME_MULTIATTACH_TYPE" >/dev/null 2>&1; then
        admin_openstack volume type create --public --property multiattach='<is> True' \
            "$VOLUME_MULTIATTACH_TYPE" >/dev/null
    fi
    log "volume: backend $VOLUME_HOST@$VOLUME_BACKEND ($VOLUME_DRIVER, $VOLUME_DIR), backups: $(_volume_backup_driver)"
}
