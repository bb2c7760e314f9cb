"""build.sh: what goes into the initramfs, and rebuilding only when an input changes."""

import gzip
import shutil
import subprocess

import pytest

from tests.e2e.images.conftest import IMAGES

pytestmark = pytest.mark.e2e

# The virtio modules in the order known to load with the Debian cloud kernel.
VIRTIO_ORDER = ["virtio", "virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev",
                "virtio_pci", "failover", "net_failover", "virtio_net", "virtio_blk"]


def build(script_dir, cache, *args):
    proc = subprocess.run([str(script_dir / "build.sh"), *args], capture_output=True,
                          text=True, timeout=600, check=False, env={"ALTO_IMAGE_CACHE": str(cache),
                                                       "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    assert proc.returncode == 0, proc.stderr
    return dict(line.split("=", 1) for line in proc.stdout.splitlines()), proc.stderr


def module_name(path):
    return path.rsplit("/", 1)[-1].split(".ko")[0].replace("-", "_")


def gunzip(path):
    with gzip.open(path) as f:
        return f.read()


def cpio_members(path):
    listing = subprocess.run(["cpio", "-it", "--quiet"], input=gunzip(path),
                             capture_output=True, check=True).stdout.decode()
    return set(listing.split())


def test_initramfs_contents(guest_image):
    members = cpio_members(guest_image["ramdisk"])
    for name in ["init", "bin/busybox", "bin/sh", "sbin/init", "usr/sbin/dropbear",
                 "usr/bin/dropbearkey", "usr/share/alto/json.awk",
                 "usr/share/alto/udhcpc.script", "etc/alto/modules", "etc/passwd",
                 "lib/modules/alto/virtio_net.ko", "lib/modules/alto/isofs.ko",
                 "lib/modules/alto/sd_mod.ko", "bin/lsblk", "sbin/blkid", "sbin/mkfs",
                 "sbin/mke2fs", "sbin/mkfs.ext4", "etc/mke2fs.conf", "usr/bin/sudo",
                 "usr/bin/curl"]:
        assert name in members, name
    assert any(m.startswith("lib64/ld-linux") for m in members)


def test_module_order_and_rebuild_only_on_change(guest_image, tmp_path):
    scripts = tmp_path / "images"
    shutil.copytree(IMAGES, scripts)
    cache = tmp_path / "cache"
    first, err = build(scripts, cache)
    assert "building" in err
    extracted = tmp_path / "root"
    extracted.mkdir()
    subprocess.run(["cpio", "-id", "--quiet", "etc/alto/modules"], cwd=extracted, check=True,
                   input=gunzip(first["ramdisk"]))
    modules = (extracted / "etc" / "alto" / "modules").read_text().split()
    # Every dependency the kernel declares comes before the module that needs it (in this
    # kernel virtio itself needs virtio_ring, so virtio_ring goes first)...
    deps = {}
    modules_dep = f"/lib/modules/{first['kernel_version']}/modules.dep"
    with open(modules_dep) as f:
        lines = f.read().splitlines()
    for line in lines:
        mod, _, needs = line.partition(":")
        deps[module_name(mod)] = [module_name(n) for n in needs.split()]
    for i, mod in enumerate(modules):
        assert set(deps[mod]) <= set(modules[:i]), (mod, deps[mod], modules[:i])
    # ...and otherwise the virtio modules keep the order known to work.
    expected = []

    def visit(mod):
        if mod not in expected:
            for dep in deps[mod]:
                visit(dep)
            expected.append(mod)
    for mod in VIRTIO_ORDER:
        visit(mod)
    assert modules[:len(expected)] == expected

    again, err = build(scripts, cache)
    assert "up to date" in err and again == first

    with open(scripts / "guest" / "init", "a") as f:
        f.write("# changed\n")
    changed, err = build(scripts, cache)
    assert "building" in err and changed["stamp"] != first["stamp"]

    forced, err = build(scripts, cache, "--force")
    assert "building" in err and forced["stamp"] == changed["stamp"]
