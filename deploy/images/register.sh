#!/usr/bin/env bash
# Register the guest built by build.sh as three images with the openstack CLI: its kernel
# (aki), its ramdisk (ari) and a machine image (ami, the qcow2 disk) whose kernel_id and
# ramdisk_id point at the other two, so the compute service boots it by direct kernel boot.
#
#   OS_CLOUD=<cloud> deploy/images/register.sh [NAME [ALSO...]]   (NAME defaults to alto-guest)
#
# Each ALSO is one more machine image of the same disk, kernel and ramdisk (a second bootable
# image, e.g. for Tempest's image_ref_alt).  Builds first (cached).  Idempotent: images of the
# same build (property alto_guest_stamp) are reused; images of an older build with the same
# names are replaced.  Prints the machine images' ids, NAME's first, one per line.
# OPENSTACK names the CLI (default: openstack on PATH); ALTO_GUEST_VISIBILITY is
# public (default), private, shared or community.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NAME=${1:-alto-guest}
ALSO=("${@:2}")
OPENSTACK=${OPENSTACK:-openstack}
VISIBILITY=${ALTO_GUEST_VISIBILITY:-public}
: "${OS_CLOUD:?set OS_CLOUD to the cloud (clouds.yaml entry) to register the guest in}"

say() { echo "[images] $*" >&2; }

declare -A BUILT
while IFS='=' read -r key value; do
    BUILT[$key]=$value
done < <("$HERE/build.sh" | grep -E '^[a-z_]+=')
STAMP=${BUILT[stamp]}

# image_ids NAME: ids of the images called NAME, one per line.
image_ids() {
    "$OPENSTACK" image list --name "$1" -f value -c ID
}

# image_stamp ID: the alto_guest_stamp property of an image (empty when it has none).
image_stamp() {
    "$OPENSTACK" image show "$1" -f json | python3 -c '
import json, sys
props = json.load(sys.stdin).get("properties") or {}
if isinstance(props, str):
    # Older clients print the properties as "key=value, key=value".
    props = dict(p.strip().split("=", 1) for p in props.split(",") if "=" in p)
print(props.get("alto_guest_stamp", ""))'
}

# upload NAME FILE DISK_FORMAT CONTAINER_FORMAT [PROPERTY=VALUE...]: id of the image of this
# build called NAME, uploading it when it is not there yet.
upload() {
    local name=$1 file=$2 disk_format=$3 container_format=$4 id props=()
    shift 4
    for id in $(image_ids "$name"); do
        if [ "$(image_stamp "$id")" = "$STAMP" ]; then
            echo "$id"
            return 0
        fi
        say "deleting $name $id (an older build)"
        "$OPENSTACK" image delete "$id"
    done
    for prop in "alto_guest_stamp=$STAMP" "$@"; do props+=(--property "$prop"); done
    say "uploading $name ($disk_format) from $file"
    "$OPENSTACK" image create --"$VISIBILITY" --disk-format "$disk_format" \
        --container-format "$container_format" --file "$file" "${props[@]}" \
        "$name" -f value -c id
}

kernel_id=$(upload "$NAME-kernel" "${BUILT[kernel]}" aki aki \
    "kernel_version=${BUILT[kernel_version]}")
ramdisk_id=$(upload "$NAME-ramdisk" "${BUILT[ramdisk]}" ari ari)
for machine in "$NAME" "${ALSO[@]}"; do
    upload "$machine" "${BUILT[disk]}" qcow2 bare \
        "kernel_id=$kernel_id" "ramdisk_id=$ramdisk_id" "os_command_line=${BUILT[cmdline]}" \
        hw_disk_bus=virtio hw_vif_model=virtio os_type=linux os_distro=alto
done
