#!/usr/bin/env bash
# Build the Altostratus guest from this machine's own Debian packages: the Debian cloud kernel,
# an initramfs (busybox-static, the kernel's virtio modules, dropbear, util-linux's lsblk and
# blkid, mkfs, guest/init, guest/sudo, guest/curl) and a small qcow2 disk for the machine
# image.  Nothing is downloaded but Debian packages.
#
#   deploy/images/build.sh [--force]
#
# Output goes to $ALTO_IMAGE_CACHE (default /var/cache/altostratus/images) and is rebuilt only
# when an input changes (kernel, package versions, build.sh, modules.list, guest/).  The
# last lines on stdout are KEY=VALUE pairs: kernel, ramdisk, disk, cmdline, kernel_version,
# stamp.
# ALTO_GUEST_KERNEL picks a kernel version from /lib/modules (default: newest *-cloud-amd64).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${ALTO_IMAGE_CACHE:-/var/cache/altostratus/images}
PACKAGES="busybox-static cpio linux-image-cloud-amd64 dropbear-bin qemu-utils e2fsprogs util-linux gzip"
# Kernel messages on the screen (tty0) and the serial port; the last one, ttyS0, is
# /dev/console, which the compute service logs.
CMDLINE="console=tty0 console=ttyS0"
FORCE=0
[ "${1:-}" = --force ] && FORCE=1

say() { echo "[images] $*" >&2; }
die() { say "error: $*"; exit 1; }

install_packages() {
    local missing=() p
    for p in $PACKAGES; do
        dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" = 0 ] || die "missing packages ${missing[*]} (run as root to install them)"
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
        apt-get update -q >/dev/null
        apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
    }
}

pick_kernel() {
    if [ -n "${ALTO_GUEST_KERNEL:-}" ]; then
        echo "$ALTO_GUEST_KERNEL"
        return
    fi
    local k
    k=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
    [ -n "$k" ] || die "no /boot/vmlinuz-*-cloud-amd64 (package linux-image-cloud-amd64)"
    echo "$k"
}

# stamp: everything the output depends on, hashed.
stamp() {
    {
        echo "kernel $KVER $(sha256sum "/boot/vmlinuz-$KVER" | cut -d' ' -f1)"
        dpkg-query -W -f '${Package} ${Version}\n' busybox-static dropbear-bin libc6 util-linux \
            e2fsprogs libblkid1 libmount1 libsmartcols1 libudev1 libext2fs2
        (cd "$HERE" && find build.sh modules.list guest -type f | LC_ALL=C sort | xargs sha256sum)
    } | sha256sum | cut -d' ' -f1
}

print_result() {
    echo "kernel=$CACHE/alto-guest-vmlinuz"
    echo "ramdisk=$CACHE/alto-guest-initrd.img"
    echo "disk=$CACHE/alto-guest.qcow2"
    echo "cmdline=$CMDLINE"
    echo "kernel_version=$KVER"
    echo "stamp=$STAMP"
}

# module_order: the modules of modules.list with their dependencies first, one file path
# (relative to /lib/modules/$KVER) per line.
module_order() {
    awk -v listfile="$HERE/modules.list" '
        function norm(s) { sub(/.*\//, "", s); sub(/\.ko(\.[a-z]+)?$/, "", s); gsub(/-/, "_", s); return s }
        function visit(m,   n, d, i) {
            if (m in done) return
            done[m] = 1
            n = split(deps[m], d, " ")
            for (i = 1; i <= n; i++) visit(norm(d[i]))
            print path[m]
        }
        {
            f = $1; sub(/:$/, "", f)
            m = norm(f); path[m] = f
            $1 = ""; deps[m] = $0
        }
        END {
            while ((getline line < listfile) > 0) {
                sub(/#.*/, "", line); gsub(/[ \t]/, "", line)
                if (line == "") continue
                optional = sub(/\?$/, "", line)
                m = norm(line)
                if (!(m in path)) {
                    if (optional) continue
                    print "missing kernel module " m > "/dev/stderr"; exit 1
                }
                visit(m)
            }
        }' "/lib/modules/$KVER/modules.dep"
}

copy_module() {
    local src=/lib/modules/$KVER/$1 dst=$2
    case "$src" in
        *.ko) cp "$src" "$dst" ;;
        *.ko.xz) xz -dc "$src" > "$dst" ;;
        *.ko.zst) zstd -qdc "$src" > "$dst" ;;
        *.ko.gz) gzip -dc "$src" > "$dst" ;;
        *) die "unknown module format $src" ;;
    esac
}

# copy_binary FILE ROOT: FILE and the shared libraries it needs, at the same paths.
copy_binary() {
    local f=$1 root=$2 lib
    install -D -m 0755 "$f" "$root$f"
    for lib in $(ldd "$f" | grep -o '/[^ ]*'); do
        [ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
    done
}

# install_linux_tools ROOT: what busybox lacks of the commands test tools run in a Linux
# guest over ssh (Tempest's validation checks): util-linux lsblk and blkid, mkfs with
# e2fsprogs' ext2/3/4 makers, and the guest's own sudo (root only) and curl (busybox wget).
install_linux_tools() {
    local root=$1 t
    for t in /bin/lsblk /sbin/blkid /sbin/mkfs /sbin/mke2fs; do
        rm -f "$root$t"                     # a busybox applet link of the same name goes
        copy_binary "$t" "$root"
    done
    for t in mkfs.ext2 mkfs.ext3 mkfs.ext4; do ln -sf mke2fs "$root/sbin/$t"; done
    install -m 0644 /etc/mke2fs.conf "$root/etc/mke2fs.conf"
    install -m 0755 "$HERE/guest/sudo" "$root/usr/bin/sudo"
    install -m 0755 "$HERE/guest/curl" "$root/usr/bin/curl"
}

build_rootfs() {
    local root=$1 a m
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/share/alto,etc/alto,etc/acpi/PWRF,lib/modules/alto}
    mkdir -p "$root"/{dev,proc,sys,run,tmp,mnt,root,var/log}
    chmod 700 "$root/root"
    ln -s ../run "$root/var/run"
    install -m 0755 /bin/busybox "$root/bin/busybox"
    for a in $(/bin/busybox --list-full); do
        [ "$a" = bin/busybox ] || ln -sf /bin/busybox "$root/$a"
    done
    copy_binary /usr/sbin/dropbear "$root"
    copy_binary /usr/bin/dropbearkey "$root"
    install_linux_tools "$root"
    install -m 0755 "$HERE/guest/init" "$root/init"
    install -m 0644 "$HERE/guest/json.awk" "$root/usr/share/alto/json.awk"
    install -m 0755 "$HERE/guest/udhcpc.script" "$root/usr/share/alto/udhcpc.script"
    module_order > "$BUILD/modules.order"
    while read -r m; do
        a=$(basename "$m"); a=${a%%.ko*}; a=${a//-/_}
        copy_module "$m" "$root/lib/modules/alto/$a.ko"
        echo "$a" >> "$root/etc/alto/modules"
    done < "$BUILD/modules.order"
    echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
    echo 'root:*:19000:0:99999:7:::' > "$root/etc/shadow"
    chmod 600 "$root/etc/shadow"
    printf 'root:x:0:\ntty:x:5:\n' > "$root/etc/group"
    echo /bin/sh > "$root/etc/shells"
    echo '127.0.0.1 localhost' > "$root/etc/hosts"
    : > "$root/etc/resolv.conf"
    # busybox init keeps the guest up after /init; a root shell on the serial console and on
    # the screen (the VNC console) for debugging.
    cat > "$root/etc/inittab" <<'INITTAB'
::askfirst:-/bin/sh
tty1::askfirst:-/bin/sh
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/umount -a -r
INITTAB
    printf '#!/bin/sh\necho "alto-guest: power button, powering off" > /dev/console\npoweroff\n' > "$root/etc/acpi/PWRF/00000080"
    chmod 755 "$root/etc/acpi/PWRF/00000080"
    echo "alto-guest kernel=$KVER stamp=$STAMP" > "$root/etc/alto/build"
    [ "$(id -u)" = 0 ] && mknod -m 600 "$root/dev/console" c 5 1
    return 0
}

build_disk() {
    local out=$1 content=$BUILD/disk
    mkdir -p "$content"
    echo "Altostratus guest disk (kernel $KVER). The guest mounts it on /data." > "$content/README"
    truncate -s 64M "$BUILD/disk.raw"
    mkfs.ext4 -q -F -L alto-root -d "$content" "$BUILD/disk.raw"
    qemu-img convert -q -f raw -O qcow2 "$BUILD/disk.raw" "$out"
}

main() {
    install_packages
    KVER=$(pick_kernel)
    [ -r "/boot/vmlinuz-$KVER" ] && [ -d "/lib/modules/$KVER" ] || die "kernel $KVER is not installed"
    mkdir -p "$CACHE"
    exec 9> "$CACHE/.lock"
    flock 9
    STAMP=$(stamp)
    if [ $FORCE = 0 ] && [ "$(cat "$CACHE/alto-guest.stamp" 2>/dev/null)" = "$STAMP" ] \
        && [ -s "$CACHE/alto-guest-vmlinuz" ] && [ -s "$CACHE/alto-guest-initrd.img" ] \
        && [ -s "$CACHE/alto-guest.qcow2" ]; then
        say "up to date (kernel $KVER)"
        print_result
        return 0
    fi
    local start=$SECONDS
    BUILD=$(mktemp -d "$CACHE/.build.XXXXXX")
    trap 'rm -rf "$BUILD"' EXIT
    say "building the guest (kernel $KVER) in $BUILD"
    build_rootfs "$BUILD/root"
    (cd "$BUILD/root" && find . -print0 | LC_ALL=C sort -z \
        | cpio --null -o -H newc --owner 0:0 --quiet) | gzip -6 -n > "$BUILD/initrd.img"
    install -m 0644 "/boot/vmlinuz-$KVER" "$BUILD/vmlinuz"
    build_disk "$BUILD/disk.qcow2"
    rm -f "$CACHE/alto-guest.stamp"
    mv -f "$BUILD/vmlinuz" "$CACHE/alto-guest-vmlinuz"
    mv -f "$BUILD/initrd.img" "$CACHE/alto-guest-initrd.img"
    mv -f "$BUILD/disk.qcow2" "$CACHE/alto-guest.qcow2"
    echo "$STAMP" > "$CACHE/alto-guest.stamp"
    say "built in $((SECONDS - start)) s: initramfs $(du -k "$CACHE/alto-guest-initrd.img" | cut -f1) KiB"
    print_result
}

main "$@"
