# Image service (glance-compatible Image v2) for stack.sh.  Sourced after common.sh.

#
# image.conf is read by every image daemon; the database URL is in image-db.conf, which only
# the database owner (the API) and alto-manage read.

IMAGE_CONF=$ALTO_ETC/image.conf
IMAGE_DB_CONF=$ALTO_ETC/image-db.conf
IMAGE_PORT=${IMAGE_PORT:-9292}
IMAGE_URL=http://$HOST_IP:$IMAGE_PORT
IMAGE_TINY_NAME=${IMAGE_TINY_NAME:-alto-tiny}
# IMAGE_STORE=file|objectstore: where image data lives.  objectstore keeps each image as
# objects in the container "images" of project service (the image user gets the member role
# there); it needs the object store running before image is bootstrapped, so it is the
# default only when objectstore comes before image in ALTO_SERVICES.
IMAGE_STORE=${IMAGE_STORE:-}

# _objectstore_before_image: whether stack.sh starts the object store before image.
_objectstore_before_image() {
    local svc seen=
    for svc in ${ALTO_SERVICES:-}; do
        [ "$svc" = objectstore ] && seen=1
        [ "$svc" = image ] && { [ -n "$seen" ]; return; }
    done
    return 1
}

# _image_store: the store to configure (file unless chosen or ordered otherwise).
_image_store() {
    if [ -n "$IMAGE_STORE" ]; then
        echo "$IMAGE_STORE"
    elif _objectstore_before_image; then
        echo objectstore
    else
        echo file
    fi
}

image_configure() {
    if ! command -v qemu-img >/dev/null 2>&1; then
        log "installing qemu-utils for qemu-img"
        apt-get install -y -q qemu-utils >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q qemu-utils >/dev/null 2>&1; } \
            || log "qemu-utils not installable; the bootstrap image will be raw"
    fi
    state_dir "$ALTO_STATE/image" "$ALTO_STATE/image/images" "$ALTO_STATE/image/staging"
    iniset "$IMAGE_CONF" DEFAULT state_path "$ALTO_STATE"
    iniset "$IMAGE_CONF" DEFAULT transport_url "$TRANSPORT_URL"
    iniset "$IMAGE_CONF" api bind_host "$HOST_IP"
    iniset "$IMAGE_CONF" api bind_port "$IMAGE_PORT"
    iniset "$IMAGE_CONF" api auth_strategy keystone
    iniset "$IMAGE_CONF" store filesystem_datadir "$ALTO_STATE/image/images"
    case $(_image_store) in
        file) iniset "$IMAGE_CONF" store driver filesystem ;;
        objectstore)
            _objectstore_before_image \
                || log "IMAGE_STORE=objectstore: uploads fail (503) until the object store runs"
            iniset "$IMAGE_CONF" store driver objectstore
            iniset "$IMAGE_CONF" store objectstore_container images ;;
        *) die "IMAGE_STORE must be file or objectstore, not $IMAGE_STORE" ;;
    esac
    iniset "$IMAGE_CONF" image staging_dir "$ALTO_STATE/image/staging"
    write_authtoken_conf "$IMAGE_CONF"
    # An older layout kept [database] in image.conf.
    inimove_section "$IMAGE_CONF" "$IMAGE_DB_CONF" database
    iniset "$IMAGE_DB_CONF" database connection "$(db_url image)"
    as_service_user "$ALTO_VENV/bin/alto-manage" --config-file "$IMAGE_CONF" \
        --config-file "$IMAGE_DB_CONF" image db sync
}

# image_daemons: "NAME ARGS" per daemon.  The API owns its database.
image_daemons() {
    echo "alto-image-api --config-file $IMAGE_CONF --config-file $IMAGE_DB_CONF"
}

image_start() {
    start_daemons image
    wait_for_http "$IMAGE_URL/" 60
}

# _image_build_tiny DIR: print the path of a small bootable-shaped disk and its format.
_image_build_tiny() {
    local dir=$1 raw=$1/alto-tiny.raw
    rm -f "$raw"
    truncate -s 64M "$raw"
    mkfs.ext4 -q -F -L alto-tiny "$raw" >/dev/null 2>&1 || true
    if command -v qemu-img >/dev/null 2>&1; then
        qemu-img convert -f raw -O qcow2 "$raw" "$dir/alto-tiny.qcow2" && rm -f "$raw"
        echo "$dir/alto-tiny.qcow2 qcow2"
    else
        echo "$raw raw"
    fi
}

image_bootstrap() {
    ensure_service_user image
    if [ "$(_image_store)" = objectstore ]; then
        # the object store lets the operators (member) of project service write its account
        admin_openstack role add --project service --user image member >/dev/null
    fi
    register_service image glance "$IMAGE_URL"
    if [ -n "$(admin_openstack image list --name "$IMAGE_TINY_NAME" -f value -c ID)" ]; then
        log "image $IMAGE_TINY_NAME already uploaded"
        return 0
    fi
    local tmp built path format
    tmp=$(mktemp -d)
    built=$(_image_build_tiny "$tmp")
    path=${built% *}
    format=${built#* }
    admin_openstack image create --public --disk-format "$format" --container-format bare \
        --file "$path" --property os_distro=alto --property hw_disk_bus=virtio \
        "$IMAGE_TINY_NAME" >/dev/null
    rm -rf "$tmp"
    log "uploaded $IMAGE_TINY_NAME ($format)"
}
