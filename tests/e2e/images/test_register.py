"""register.sh against a stand-in openstack CLI: three linked images, idempotent reruns."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.images.conftest import IMAGES

pytestmark = pytest.mark.e2e

FAKE = Path(__file__).resolve().parent / "fake_openstack.py"


def register(tmp_path, *names):
    env = dict(os.environ, OS_CLOUD="fake", FAKE_OPENSTACK_DB=str(tmp_path / "db.json"),
               OPENSTACK=str(tmp_path / "openstack"))
    wrapper = tmp_path / "openstack"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE}" "$@"\n')
    wrapper.chmod(0o755)
    proc = subprocess.run([str(IMAGES / "register.sh"), *(names or ["alto-guest"])], capture_output=True, text=True,
                          env=env, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    ids = proc.stdout.split()
    return (ids if len(names) > 1 else ids[0]), json.loads((tmp_path / "db.json").read_text())


def test_three_linked_images_then_idempotent(guest_image, tmp_path):
    ami, db = register(tmp_path)
    images = db["images"]
    assert sorted(img["name"] for img in images.values()) == [
        "alto-guest", "alto-guest-kernel", "alto-guest-ramdisk"]
    machine = images[ami]
    assert machine["disk-format"] == "qcow2" and machine["container-format"] == "bare"
    assert machine["file"] == guest_image["disk"]
    kernel = images[machine["properties"]["kernel_id"]]
    ramdisk = images[machine["properties"]["ramdisk_id"]]
    assert (kernel["name"], kernel["disk-format"], kernel["file"]) == (
        "alto-guest-kernel", "aki", guest_image["kernel"])
    assert (ramdisk["name"], ramdisk["disk-format"], ramdisk["file"]) == (
        "alto-guest-ramdisk", "ari", guest_image["ramdisk"])
    assert machine["properties"]["os_command_line"] == guest_image["cmdline"]
    assert machine["properties"]["hw_disk_bus"] == "virtio"
    assert {img["visibility"] for img in images.values()} == {"public"}

    # Same build: nothing uploaded again, same machine image.
    again, db = register(tmp_path)
    assert again == ami
    assert len(db["images"]) == 3
    assert sum(call[1] == "create" for call in db["calls"]) == 3

    # An older build under the same names is replaced.
    for img in db["images"].values():
        img["properties"]["alto_guest_stamp"] = "older"
    (tmp_path / "db.json").write_text(json.dumps(db))
    newer, db = register(tmp_path)
    assert newer != ami and len(db["images"]) == 3
    assert sum(call[1] == "delete" for call in db["calls"]) == 3


def test_a_second_machine_image_shares_the_kernel_and_ramdisk(guest_image, tmp_path):
    first, _ = register(tmp_path)
    (guest, alt), db = register(tmp_path, "alto-guest", "alto-guest-alt")
    assert guest == first and alt != guest
    images = db["images"]
    assert sorted(img["name"] for img in images.values()) == [
        "alto-guest", "alto-guest-alt", "alto-guest-kernel", "alto-guest-ramdisk"]
    assert images[alt]["file"] == guest_image["disk"]
    assert images[alt]["properties"] == images[guest]["properties"]
    assert sum(call[1] == "create" for call in db["calls"]) == 4
