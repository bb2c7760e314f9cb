# Compute service (nova-compatible Compute v2.1) for stack.sh.  Sourced after common.sh.
# Seven daemons: api (8774), conductor (the only one with the database), scheduler, one
# compute for this host, the metadata service (8775), the Placement API (8778, served
# from the conductor's claim data; registered in the catalog as `placement`) and the noVNC
# console proxy (127.0.0.1:6080).  The database URL lives in its own
# file that only the conductor and alto-manage read.
#
# ALTO_COMPUTE_DRIVER=libvirt (the default) boots real QEMU guests: compute_install installs
# libvirt and QEMU, starts virtlogd and libvirtd (no systemd needed) and the demo server runs
# the guest of deploy/images.  ALTO_COMPUTE_DRIVER=fake (e.g. in deploy/local.conf) is for
# machines without libvirt: no guest runs, the demo server boots the kernel-less alto-tiny.

COMPUTE_CONF=$ALTO_ETC/compute.conf
COMPUTE_DB_CONF=$ALTO_ETC/compute-db.conf
COMPUTE_PORT=${COMPUTE_PORT:-8774}
COMPUTE_URL=http://$HOST_IP:$COMPUTE_PORT/v2.1
COMPUTE_HOST=${COMPUTE_HOST:-$(hostname)}
COMPUTE_DEMO_SERVER=${COMPUTE_DEMO_SERVER:-demo-server}
METADATA_PORT=${METADATA_PORT:-8775}
# alto-compute-novncproxy (noVNC's WebSocket to the guests' VNC displays): loopback only.
NOVNCPROXY_HOST=${NOVNCPROXY_HOST:-127.0.0.1}
NOVNCPROXY_PORT=${NOVNCPROXY_PORT:-6080}
PLACEMENT_PORT=${PLACEMENT_PORT:-8778}
PLACEMENT_URL=http://$HOST_IP:$PLACEMENT_PORT
ALTO_COMPUTE_DRIVER=${ALTO_COMPUTE_DRIVER:-libvirt}
# auto: kvm when /dev/kvm works and the CPU virtualises, else qemu (software emulation).
LIBVIRT_VIRT_TYPE=${LIBVIRT_VIRT_TYPE:-auto}
# The guest of deploy/images/register.sh, the demo server's image under libvirt.
COMPUTE_GUEST_IMAGE=${COMPUTE_GUEST_IMAGE:-alto-guest}
# novnc: the noVNC web page alto-compute-novncproxy serves (/usr/share/novnc).
COMPUTE_LIBVIRT_PACKAGES="qemu-system-x86 qemu-utils qemu-block-extra libvirt-daemon-system libvirt-clients libvirt-dev pkg-config acl genisoimage novnc"
# QEMU's user and group (Debian's libvirt: qemu.conf user/group), and the group that may use
# libvirtd's read-write socket.
LIBVIRT_QEMU_USER=${LIBVIRT_QEMU_USER:-libvirt-qemu}
LIBVIRT_QEMU_GROUP=${LIBVIRT_QEMU_GROUP:-libvirt-qemu}
LIBVIRT_SOCKET_GROUP=${LIBVIRT_SOCKET_GROUP:-libvirt}
LIBVIRTD_CONF=${LIBVIRTD_CONF:-/etc/libvirt/libvirtd.conf}

_compute_libvirt() { [ "$ALTO_COMPUTE_DRIVER" = libvirt ]; }

# _virsh_as_service_user: whether the daemons' user can use qemu:///system.
_virsh_as_service_user() {
    as_service_user virsh -c qemu:///system version >/dev/null 2>&1
}

# _libvirtd_socket_conf: the read-write socket for members of $LIBVIRT_SOCKET_GROUP without
# polkit (there is no polkit daemon without systemd); prints "changed" when it edited the file.
_libvirtd_socket_conf() {
    local key value changed=
    for key in unix_sock_group unix_sock_rw_perms auth_unix_rw; do
        case $key in
            unix_sock_group) value="\"$LIBVIRT_SOCKET_GROUP\"" ;;
            unix_sock_rw_perms) value='"0770"' ;;
            auth_unix_rw) value='"none"' ;;
        esac
        grep -qx "$key = $value" "$LIBVIRTD_CONF" && continue
        sed -i "/^$key *=/d" "$LIBVIRTD_CONF"
        echo "$key = $value" >> "$LIBVIRTD_CONF"
        changed=changed
    done
    echo "$changed"
}

_pid_running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# compute_start_libvirt: virtlogd, then libvirtd, started as daemons when they do not run
# (there is no systemd); libvirtd is restarted when its socket settings changed.
compute_start_libvirt() {
    local changed
    changed=$(_libvirtd_socket_conf)
    if ! _pid_running /run/virtlogd.pid && ! pgrep -x virtlogd >/dev/null; then
        log "starting virtlogd"
        virtlogd -d
    fi
    if [ -n "$changed" ] && _pid_running /run/libvirtd.pid && ! _virsh_as_service_user; then
        log "restarting libvirtd for its new socket settings (running guests keep running)"
        kill -TERM "$(cat /run/libvirtd.pid)"
        # Until the process is gone: it drops its pid file before it exits.
        local _i
        for _i in $(seq 150); do pgrep -x libvirtd >/dev/null || break; sleep 0.2; done
    fi
    if ! _pid_running /run/libvirtd.pid && ! pgrep -x libvirtd >/dev/null; then
        log "starting libvirtd"
        libvirtd -d
    fi
    local i
    for i in $(seq 60); do
        _virsh_as_service_user && return 0
        sleep 0.5
    done
    die "$ALTO_USER cannot reach libvirtd at qemu:///system (see $LIBVIRTD_CONF)"
}

# compute_share_state: QEMU (user $LIBVIRT_QEMU_USER) must pass through the state path to the
# guests' files; an ACL lets it do that and nothing else (the directories stay 0750, and
# secure_install's chown/chmod keep ACL entries).  New instance directories inherit it.
compute_share_state() {
    local instances=$ALTO_STATE/compute/instances
    state_dir "$instances" "$instances/_base"
    setfacl -m "u:$LIBVIRT_QEMU_USER:x" "$ALTO_STATE" "$ALTO_STATE/compute"
    setfacl -R -m "u:$LIBVIRT_QEMU_USER:rX" "$instances"
    setfacl -R -d -m "u:$LIBVIRT_QEMU_USER:rX" "$instances"
}

# compute_install: for the libvirt driver, QEMU and libvirt (packages, libvirt-python in the
# virtualenv), the daemons' user in the libvirt socket and QEMU groups, libvirtd running.
compute_install() {
    _compute_libvirt || return 0
    local missing=() p
    for p in $COMPUTE_LIBVIRT_PACKAGES; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]} for the libvirt compute driver"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q "${missing[@]}" >/dev/null \
            || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
    fi
    "$ALTO_VENV/bin/python" -c 'import libvirt' 2>/dev/null || {
        log "installing libvirt-python (built against libvirt-dev)"
        "$ALTO_VENV/bin/pip" install -q -e "$ALTO_SRC[libvirt]"
    }
    # libvirtd's socket; chgrp of the guests' files to QEMU's group (the driver's qemu_group).
    usermod -a -G "$LIBVIRT_SOCKET_GROUP,$LIBVIRT_QEMU_GROUP" "$ALTO_USER"
    compute_start_libvirt
}

compute_configure() {
    state_dir "$ALTO_STATE/compute"
    iniset "$COMPUTE_CONF" DEFAULT state_path "$ALTO_STATE/compute"
    iniset "$COMPUTE_CONF" DEFAULT transport_url "$TRANSPORT_URL"
    iniset "$COMPUTE_CONF" DEFAULT host "$COMPUTE_HOST"
    iniset "$COMPUTE_CONF" api bind_host "$HOST_IP"
    iniset "$COMPUTE_CONF" api bind_port "$COMPUTE_PORT"
    iniset "$COMPUTE_CONF" api auth_strategy keystone
    iniset "$COMPUTE_CONF" metadata bind_host "$HOST_IP"
    iniset "$COMPUTE_CONF" metadata bind_port "$METADATA_PORT"
    iniset "$COMPUTE_CONF" metadata metadata_proxy_shared_secret "$(metadata_proxy_secret)"
    # nova's [api] dhcp_domain: guests read <hostname>.novalocal, as from nova's metadata
    iniset "$COMPUTE_CONF" metadata dhcp_domain "${COMPUTE_DHCP_DOMAIN:-novalocal}"
    iniset "$COMPUTE_CONF" placement_api bind_host "$HOST_IP"
    iniset "$COMPUTE_CONF" placement_api bind_port "$PLACEMENT_PORT"
    iniset "$COMPUTE_CONF" vnc novncproxy_host "$NOVNCPROXY_HOST"
    iniset "$COMPUTE_CONF" vnc novncproxy_port "$NOVNCPROXY_PORT"
    iniset "$COMPUTE_CONF" vnc novncproxy_base_url \
        "http://$NOVNCPROXY_HOST:$NOVNCPROXY_PORT/vnc_auto.html"
    _compute_driver_switch
    iniset "$COMPUTE_CONF" compute compute_driver "$ALTO_COMPUTE_DRIVER"
    if _compute_libvirt; then
        iniset "$COMPUTE_CONF" libvirt virt_type "$LIBVIRT_VIRT_TYPE"
        iniset "$COMPUTE_CONF" libvirt connection_uri qemu:///system
        iniset "$COMPUTE_CONF" libvirt qemu_group "$LIBVIRT_QEMU_GROUP"
    fi
    iniset "$COMPUTE_CONF" clients backend rest
    iniset "$COMPUTE_CONF" image region_name "$REGION"
    iniset "$COMPUTE_CONF" network region_name "$REGION"
    # The volume service (attach, boot from volume): found in the catalog as volumev3 (or
    # block-storage), registered by deploy/lib/volume.sh; looked up at the first volume call.
    iniset "$COMPUTE_CONF" volume region_name "$REGION"
    write_authtoken_conf "$COMPUTE_CONF"
    # Service tokens for the image, network and volume APIs: the same service user.
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

# _compute_driver_switch: a running alto-compute that started with another driver is stopped,
# so compute_start starts it with the new one.
_compute_driver_switch() {
    local old
    old=$(awk -F' *= *' '/^\[/ { s = $0 } s == "[compute]" && $1 == "compute_driver" { print $2 }' \
        "$COMPUTE_CONF" 2>/dev/null)
    if [ -n "$old" ] && [ "$old" != "$ALTO_COMPUTE_DRIVER" ]; then
        log "compute driver $old -> $ALTO_COMPUTE_DRIVER: restarting alto-compute"
        stop_daemon alto-compute
    fi
}

# compute_daemons: "NAME ARGS" per daemon; only the conductor reads compute-db.conf.
compute_daemons() {
    echo "alto-compute-conductor --config-file $COMPUTE_CONF --config-file $COMPUTE_DB_CONF"
    echo "alto-compute-scheduler --config-file $COMPUTE_CONF"
    echo "alto-compute-api --config-file $COMPUTE_CONF"
    echo "alto-compute --config-file $COMPUTE_CONF"
    echo "alto-compute-metadata --config-file $COMPUTE_CONF"
    echo "alto-compute-novncproxy --config-file $COMPUTE_CONF"
    echo "alto-placement-api --config-file $COMPUTE_CONF"
}

compute_start() {
    if _compute_libvirt; then
        compute_start_libvirt
        compute_share_state
    fi
    start_daemons compute
    wait_for_http "$COMPUTE_URL/" 90
    wait_for_http "http://$HOST_IP:$METADATA_PORT/" 60
    wait_for_http "$PLACEMENT_URL/" 60
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
    register_service placement placement "$PLACEMENT_URL"
    _compute_flavor m1.nano 64 1 0 0
    _compute_flavor m1.tiny 512 1 1 1
    _compute_flavor m1.small 2048 1 20 2
    _compute_flavor m1.medium 4096 2 40 3
    _compute_flavor m1.large 8192 4 80 4
    _compute_flavor m1.xlarge 16384 8 160 5
    # The guest of deploy/images needs 128 MiB.
    _compute_flavor m1.micro 128 1 1 6
    _compute_libvirt && compute_register_guest
    local i
    # The compute node reports itself within seconds of starting.
    for i in $(seq 60); do
        [ -n "$(admin_openstack hypervisor list -f value -c ID 2>/dev/null)" ] && break
        sleep 1
    done
    if [ -n "$(env OS_CLOUD=altostratus OS_CLIENT_CONFIG_FILE="$CLOUDS_YAML" \
            "$ALTO_VENV/bin/openstack" server list --name "^$COMPUTE_DEMO_SERVER\$" -f value -c ID)" ]; then
        log "demo server $COMPUTE_DEMO_SERVER already exists"
        _compute_demo_floating_ip
        return 0
    fi
    local image=${IMAGE_TINY_NAME:-alto-tiny} extra=(--flavor m1.nano)
    if _compute_libvirt; then
        # The guest reads its name (and keys, user data) from the config drive: there is
        # no network data plane on this host yet.
        image=$COMPUTE_GUEST_IMAGE
        extra=(--flavor m1.micro --config-drive True)
    fi
    env OS_CLOUD=altostratus OS_CLIENT_CONFIG_FILE="$CLOUDS_YAML" "$ALTO_VENV/bin/openstack" \
        server create --image "$image" "${extra[@]}" \
        --network private --wait "$COMPUTE_DEMO_SERVER" >/dev/null
    log "compute: flavors m1.nano..m1.xlarge, demo server $COMPUTE_DEMO_SERVER ($image) ACTIVE"
    _compute_demo_floating_ip
}

# _compute_demo_floating_ip: a real guest on a network host gets a floating IP on "public",
# its project's default security group lets ICMP and SSH in, and this host pings it.
_compute_demo_floating_ip() {
    _compute_libvirt && [[ " ${ALTO_SERVICES:-} " == *" network "* ]] || return 0
    local demo=(env OS_CLOUD=altostratus OS_CLIENT_CONFIG_FILE="$CLOUDS_YAML" "$ALTO_VENV/bin/openstack")
    local fip rule i
    fip=$("${demo[@]}" floating ip list --port "$("${demo[@]}" port list --server "$COMPUTE_DEMO_SERVER" \
        -f value -c ID | head -1)" -f value -c "Floating IP Address" | head -1)
    if [ -z "$fip" ]; then
        for rule in "--protocol icmp" "--protocol tcp --dst-port 22"; do
            # shellcheck disable=SC2086 # the rule's words are separate options
            "${demo[@]}" security group rule create $rule default >/dev/null 2>&1 || true
        done
        fip=$("${demo[@]}" floating ip create public -f value -c floating_ip_address)
        "${demo[@]}" server add floating ip "$COMPUTE_DEMO_SERVER" "$fip"
    fi
    for i in $(seq 30); do
        if ping -c 1 -W 2 "$fip" >/dev/null 2>&1; then
            log "demo server $COMPUTE_DEMO_SERVER answers on floating IP $fip"
            return 0
        fi
    done
    log "WARNING: demo server $COMPUTE_DEMO_SERVER does not answer on floating IP $fip yet"
}

# compute_register_guest: the guest of deploy/images (kernel, ramdisk and disk images, built
# from this machine's Debian packages) as the public image $COMPUTE_GUEST_IMAGE.
compute_register_guest() {
    local id
    id=$(OS_CLOUD=altostratus-admin OS_CLIENT_CONFIG_FILE=$CLOUDS_YAML \
        OPENSTACK="$ALTO_VENV/bin/openstack" "$ALTO_SRC/deploy/images/register.sh" \
        "$COMPUTE_GUEST_IMAGE") || die "deploy/images/register.sh failed"
    log "guest image $COMPUTE_GUEST_IMAGE: $id"
}
