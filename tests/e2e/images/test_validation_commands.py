"""The guest answers the commands Tempest's validation checks run over SSH.

One guest boots under QEMU (software emulation) the way the compute service builds it: the
image's disk, a blank volume on virtio, one on virtio-scsi, the config drive as an IDE CD-ROM,
a NIC on QEMU's user network (restrict=on, inside a private network namespace that has only
loopback) with the metadata service answered by busybox httpd.  Root logs in with a key pair
generated the way the compute API generates one (RSA) and with an ECDSA key.  Every command
string below is the one Tempest's remote client sends (after its default shell prologue), and
its output is read the way Tempest reads it.
"""

import json
import os
import re
import shutil
import subprocess
import time
import uuid as uuidlib

import pytest

from tests.e2e.images.conftest import BOOTED_RE, Guest, make_iso

pytestmark = pytest.mark.e2e

UUID = "0c5b1d7e-3f2a-4d8b-9e61-7a4c2b9d0e15"
SERVER_NAME = "tempest-ServersTestJSON-server-1"
HOSTNAME = SERVER_NAME.lower() + ".novalocal"
MAC = "fa:16:3e:4a:5b:6c"
GUEST_IP = "169.254.169.15"
GATEWAY = "169.254.169.1"
VCPUS = 2
VOLUME_BYTES = 64 * 1024 * 1024
SCSI_BYTES = 32 * 1024 * 1024
HOTPLUG_BYTES = 16 * 1024 * 1024
SSH_PORT = 2222
# [validation] ssh_shell_prologue, Tempest's default
PROLOGUE = "set -eu -o pipefail; PATH=$PATH:/sbin:/usr/sbin;"
MD_URL = "http://169.254.169.254/openstack/latest/meta_data.json"


def _compute_api_keypair(directory):
    """A private key file and its public key, made by the compute API's own key generator
    (what Tempest gets from POST /os-keypairs without a public key)."""
    from services.compute.api.controllers.keypairs import _generate
    private, public = _generate("ssh", "tempest-validation")
    path = directory / "id_rsa"
    path.write_text(private)
    path.chmod(0o600)
    return path, public


def _ecdsa_keypair(directory):
    path = directory / "id_ecdsa"
    subprocess.run(["ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C",
                    "tempest-ecdsa", "-f", str(path)], check=True)
    return path, path.with_suffix(".pub").read_text().strip()


def _openstack_tree(root, public_keys):
    latest = root / "openstack" / "latest"
    latest.mkdir(parents=True)
    meta = {"uuid": UUID, "hostname": HOSTNAME, "name": SERVER_NAME,
            "public_keys": public_keys, "launch_index": 0, "availability_zone": "nova",
            "project_id": "tempest"}
    (latest / "meta_data.json").write_text(json.dumps(meta))
    (latest / "network_data.json").write_text(json.dumps({"links": [], "networks": [],
                                                          "services": []}))
    return root


class ValidationGuest:
    """The booted guest and an SSH client that sends commands as Tempest does."""

    def __init__(self, guest, netns, keys):
        self.guest = guest
        self.netns = netns
        self.keys = keys

    def run(self, command, key="rsa"):
        """(exit status, stdout, stderr) of PROLOGUE + command, run as root."""
        proc = subprocess.run(
            ["ip", "netns", "exec", self.netns, "ssh", "-i", str(self.keys[key]),
             "-p", str(SSH_PORT), "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
             "-o", "LogLevel=ERROR", "-o", "IdentitiesOnly=yes",
             "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
             "root@127.0.0.1", f"{PROLOGUE} {command}"],
            capture_output=True, text=True, timeout=120, check=False)
        return proc.returncode, proc.stdout, proc.stderr

    def exec_command(self, command, key="rsa"):
        """stdout of a command that must succeed (Tempest raises on a non-zero status)."""
        status, out, err = self.run(command, key)
        assert status == 0, f"{command!r} exited {status}: {err}\n{self.guest.console()}"
        return out


def _ns(netns, *argv):
    subprocess.run(["ip", "netns", "exec", netns, *argv], check=True, timeout=30)


@pytest.fixture(scope="module")
def validation_guest(guest_image, tmp_path_factory):
    for tool in ("ssh", "ssh-keygen", "ip"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    if os.geteuid() != 0:
        pytest.skip("needs root for a private network namespace")
    work = tmp_path_factory.mktemp("validation")
    rsa_key, rsa_public = _compute_api_keypair(work)
    ecdsa_key, ecdsa_public = _ecdsa_keypair(work)
    keys = {"tempest": rsa_public, "ecdsa": ecdsa_public}
    config_drive = make_iso(_openstack_tree(work / "config-drive", keys),
                            work / "config.iso", "config-2")
    metadata = _openstack_tree(work / "metadata", keys)
    volume, scsi = work / "volume.raw", work / "scsi.raw"
    for path, size in ((volume, VOLUME_BYTES), (scsi, SCSI_BYTES)):
        with open(path, "wb") as f:
            f.truncate(size)
    httpd = shutil.which("busybox") or "/bin/busybox"
    nic = (f"user,model=virtio-net-pci,mac={MAC},restrict=on,net=169.254.169.0/24,"
           f"host={GATEWAY},hostfwd=tcp:127.0.0.1:{SSH_PORT}-:22,"
           f"guestfwd=tcp:169.254.169.254:80-cmd:{httpd} httpd -i -h {metadata}")
    args = ["-smp", str(VCPUS), "-nic", nic,
            "-drive", f"file={guest_image['disk']},format=qcow2,if=virtio,snapshot=on",
            "-drive", f"file={volume},format=raw,if=virtio",
            "-device", "virtio-scsi-pci,id=scsi0",
            "-drive", f"file={scsi},format=raw,if=none,id=scsivol",
            "-device", "scsi-hd,drive=scsivol,bus=scsi0.0",
            "-drive", f"file={config_drive},media=cdrom,if=ide,readonly=on"]

    netns = f"alto-e2e-val-{os.getpid()}"
    subprocess.run(["ip", "netns", "add", netns], check=True)
    try:
        _ns(netns, "ip", "link", "set", "lo", "up")
        # (128 MiB: the smallest flavor the conformance runner picks)
        with Guest(guest_image, work, args, netns=netns, memory=128, monitor=True) as guest:
            booted, _ = guest.wait_for(BOOTED_RE.pattern)
            assert booted.groups() == (UUID, HOSTNAME, "config-drive"), guest.console()
            guest.wait_for(r"listening on port 22")
            client = ValidationGuest(guest, netns, {"rsa": rsa_key, "ecdsa": ecdsa_key})
            # (as Tempest's validate_authentication: retry until the login works)
            deadline = time.monotonic() + 60
            while client.run("true")[0] != 0:
                assert time.monotonic() < deadline, guest.console()
                time.sleep(2)
            yield client
    finally:
        subprocess.run(["ip", "netns", "del", netns], check=False)


def test_login_with_the_compute_api_rsa_key_and_an_ecdsa_key(validation_guest):
    assert validation_guest.exec_command("id -u", key="rsa").strip() == "0"
    assert validation_guest.exec_command("id -u", key="ecdsa").strip() == "0"


def test_the_prologue_makes_failures_fail(validation_guest):
    """set -e -u -o pipefail hold in root's login shell, so a failing step fails the command
    (Tempest's exec_command raises on it) instead of passing unnoticed."""
    assert validation_guest.run("false | true")[0] != 0
    assert validation_guest.run("echo $NO_SUCH_VARIABLE")[0] != 0
    assert validation_guest.run("false; echo after")[1] == ""
    assert validation_guest.exec_command("echo $PATH").strip().endswith(":/sbin:/usr/sbin")


def test_hostname_is_the_server_name(validation_guest):
    hostname = validation_guest.exec_command("hostname").rstrip()
    assert hostname.split(".")[0] == SERVER_NAME.lower()


def test_vcpus_as_the_flavor(validation_guest):
    assert int(validation_guest.exec_command("grep -c ^processor /proc/cpuinfo")) == VCPUS


def _tempest_disks(output):
    """The header and the 'disk' rows of lsblk, picked by the TYPE column's position as
    Tempest picks them; None when there is no TYPE column."""
    selected, pos = [], None
    for line in output.splitlines():
        if pos is None and line.find("TYPE") > 0:
            pos = line.find("TYPE")
            selected.append(line)
        elif pos is not None and line[pos:pos + 4] == "disk":
            selected.append(line)
    return selected or None


def _disk_names(guest):
    """Tempest's list_disks: the first column of the rows _tempest_disks keeps."""
    return [line.split()[0] for line in
            _tempest_disks(guest.exec_command("lsblk -lb --nodeps"))[1:]]


def test_lsblk_lists_the_disks_with_their_sizes_in_bytes(validation_guest):
    output = validation_guest.exec_command("lsblk -lb --nodeps")
    selected = _tempest_disks(output)
    assert selected, output
    rows = {line.split()[0]: line.split() for line in selected[1:]}
    # the image's disk, the virtio volume, the SCSI volume; not the config drive CD-ROM
    assert sorted(rows) == ["sda", "vda", "vdb"], output
    size = selected[0].split().index("SIZE")
    assert int(rows["vdb"][size]) == VOLUME_BYTES
    assert int(rows["sda"][size]) == SCSI_BYTES
    assert re.search(r"^sr0 .* rom", output, re.M), output


def test_volume_counts_and_scsi_devices(validation_guest):
    count = validation_guest.exec_command("grep -c -E [vs]d.$ /proc/partitions").strip()
    assert int(count) == 3
    scsi = validation_guest.exec_command("lsblk -S").strip()
    assert "\nsda " in scsi, scsi


def test_config_drive_found_by_label_and_mounted(validation_guest):
    device = validation_guest.exec_command("blkid -L config-2 -o device").strip()
    assert device == "/dev/sr0"
    assert validation_guest.exec_command('blkid -t LABEL="config-2" -o device').strip() \
        == device
    validation_guest.exec_command(f"sudo mount {device} /mnt")
    try:
        meta = json.loads(validation_guest.exec_command(
            "sudo cat /mnt/openstack/latest/meta_data.json"))
        assert meta["uuid"] == UUID
    finally:
        validation_guest.exec_command("sudo umount /mnt")
    assert "NAME" in validation_guest.exec_command("sudo lsblk --fs --ascii")


def test_metadata_service_with_curl(validation_guest):
    validation_guest.exec_command("curl -V")
    meta = json.loads(validation_guest.exec_command(f"curl {MD_URL}"))
    assert meta["hostname"] == HOSTNAME
    status, _, _ = validation_guest.run("curl http://169.254.169.254/no/such/document")
    assert status != 0


def test_boot_time_from_uptime(validation_guest):
    seconds = int(validation_guest.exec_command("cut -f1 -d. /proc/uptime"))
    assert 0 < seconds <= time.monotonic() - validation_guest.guest.started + 1


def test_write_to_the_console(validation_guest):
    message = f"tempest-console-check-{uuidlib.uuid4().hex[:12]}"
    validation_guest.exec_command(f'sudo sh -c "echo \\"{message}\\" >/dev/console"')
    validation_guest.guest.wait_for(re.escape(message), timeout=10)


def test_nic_mac_and_addresses(validation_guest):
    guest = validation_guest
    assert guest.exec_command("ip addr | awk '/ether/ {print $2}'").strip().lower() == MAC
    nic = guest.exec_command(f"ip -o link | awk '/{MAC}/ {{print $2}}'")
    assert nic.strip().strip(":").split("@")[0].lower() == "eth0"
    nic = guest.exec_command(f"ip -o addr | awk '/{GUEST_IP}/ {{print $2}}'")
    assert nic.strip().strip(":").split("@")[0].lower() == "eth0"
    addresses = guest.exec_command("ip -4 -o addr | awk '/eth0/ {print $4}'").strip().split()
    assert addresses == [f"{GUEST_IP}/24"]
    assert "eth0" in guest.exec_command("ip address")
    # (QEMU's restricted user network offers no DNS server: the file is there, empty; the
    # nameservers of a lease are written by udhcpc.script, see test_metadata_parsing)
    guest.exec_command("cat /etc/resolv.conf")


def test_ping_the_gateway(validation_guest):
    output = validation_guest.exec_command(f"ping -c1 -w1 -s56 {GATEWAY}")
    assert "1 packets received" in output
    validation_guest.exec_command(f"sudo ping -I eth0 -c1 -w1 -s56 {GATEWAY}")


def test_dhcp_lease_renewed_through_the_udhcpc_pid_file(validation_guest):
    pid = validation_guest.exec_command("cat /var/run/udhcpc.eth0.pid").strip()
    assert pid.isdigit()
    validation_guest.exec_command(f"sudo /bin/kill -USR1 {pid}")
    # the client is still there and still holds the address
    validation_guest.exec_command(f"test -d /proc/{pid}")
    assert GUEST_IP in validation_guest.exec_command("ip -4 -o addr show eth0")


def test_make_a_filesystem_on_a_volume_and_keep_a_timestamp(validation_guest):
    guest = validation_guest
    guest.exec_command("sudo mkfs -t ext4 /dev/vdb")
    guest.exec_command("sudo mkdir -p /mnt/volume")
    guest.exec_command("sudo mount /dev/vdb /mnt/volume")
    try:
        guest.exec_command('sudo sh -c "date > /mnt/volume/timestamp; sync"')
        stamp = guest.exec_command("sudo cat /mnt/volume/timestamp")
        assert re.search(r"\d\d:\d\d:\d\d", stamp), stamp
    finally:
        guest.exec_command("sudo umount /mnt/volume")
    assert "ext4" in guest.exec_command("blkid -o value -s TYPE /dev/vdb")


def test_files_in_the_home_directory(validation_guest):
    assert validation_guest.exec_command("touch test_file").strip() == ""
    status, _, err = validation_guest.run("cat no_such_test_file")
    assert status != 0 and "No such file or directory" in err
    assert validation_guest.exec_command("sync") == ""
    assert validation_guest.exec_command("dmesg | tail -n 1").strip()


def _wait_for_disks(guest, expected, timeout=30):
    deadline = time.monotonic() + timeout
    while (names := sorted(_disk_names(guest))) != expected:
        assert time.monotonic() < deadline, (names, expected)
        time.sleep(1)


def test_hot_plugged_volume_is_listed_and_goes_when_detached(validation_guest, tmp_path):
    """A volume attached to the running guest (a virtio disk added as libvirt adds it)
    shows in lsblk, and goes when it is detached."""
    guest = validation_guest
    volume = tmp_path / "hotplug.raw"
    with open(volume, "wb") as f:
        f.truncate(HOTPLUG_BYTES)
    before = sorted(_disk_names(guest))
    guest.guest.monitor(f"drive_add 0 if=none,id=hotvol,format=raw,file={volume}")
    guest.guest.monitor("device_add virtio-blk-pci,drive=hotvol,id=hotdisk")
    _wait_for_disks(guest, sorted(before + ["vdc"]))
    guest.guest.monitor("device_del hotdisk")
    _wait_for_disks(guest, before)
