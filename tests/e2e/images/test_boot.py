"""Boot the built guest under QEMU (software emulation) and watch its serial console.

No test here gives a guest a path off this machine: the config-drive boots have no NIC at
all; the metadata-service boots use QEMU's user network with restrict=on inside a private
network namespace that has nothing but loopback.
"""

import json
import shutil
import subprocess
import time

import pytest

from tests.e2e.images.conftest import (
    BOOTED_RE,
    Guest,
    make_iso,
    make_vfat,
    record_figure,
)

pytestmark = pytest.mark.e2e

UUID = "7d1f3a52-9c4e-4b8a-a0f1-5e6d7c8b9a01"
MARKER = "alto-e2e-user-data-ran"
# The guest runs this: the marker and 42 only appear if the script ran, not if it was echoed.
USER_DATA = f'#!/bin/sh\necho "{MARKER} $((6 * 7)) on $(hostname)"\n'
SSH_PORT = 2222


def openstack_tree(root, hostname, public_key, uuid=UUID):
    latest = root / "openstack" / "latest"
    latest.mkdir(parents=True)
    meta = {"uuid": uuid, "hostname": hostname, "name": hostname.split(".")[0],
            "public_keys": {"e2e": public_key}, "launch_index": 0,
            "availability_zone": "nova", "project_id": "e2e",
            "meta": {"note": "quote \" and caf\u00e9"}}
    (latest / "meta_data.json").write_text(json.dumps(meta))
    (latest / "user_data").write_text(USER_DATA)
    (latest / "network_data.json").write_text(json.dumps({"links": [], "networks": [],
                                                          "services": []}))
    return root


def ec2_tree(root, instance_id, hostname, public_key):
    meta = root / "latest" / "meta-data"
    (meta / "public-keys" / "0").mkdir(parents=True)
    (meta / "instance-id").write_text(instance_id)
    (meta / "local-hostname").write_text(hostname)
    (meta / "public-keys" / "0" / "openssh-key").write_text(public_key)
    (root / "latest" / "user-data").write_text(USER_DATA)
    return root


@pytest.mark.parametrize("bus", ["ide-cdrom", "virtio-disk", "vfat-virtio-disk"])
def test_boot_from_config_drive(make_guest, tmp_path, ssh_key, bus):
    hostname = f"cd-{bus}.novalocal"
    tree = openstack_tree(tmp_path / "config-drive", hostname,
                          ssh_key.with_suffix(".pub").read_text())
    if bus.startswith("vfat"):
        iso = make_vfat(tree, tmp_path / "config.img", "config-2")
    else:
        iso = make_iso(tree, tmp_path / "config.iso", "config-2")
    if bus == "ide-cdrom":
        drive = f"file={iso},media=cdrom,if=ide,readonly=on"
    else:
        drive = f"file={iso},format=raw,if=virtio,readonly=on"
    with make_guest(["-nic", "none", "-drive", drive]) as guest:
        booted, seconds = guest.wait_for(BOOTED_RE.pattern)
        record_figure(f"boot to 'booted', config drive on {bus}", seconds)
        assert booted.groups() == (UUID, hostname, "config-drive")
        guest.wait_for(rf"{MARKER} 42 on {hostname}")
        assert "user_data exited with status 0" in guest.wait_for("user_data exited.*")[0][0]


def _nic(tmp_path, tree):
    """User-mode NIC: DHCP from QEMU, 169.254.169.254:80 answered by busybox httpd serving
    tree (one process per connection), guest port 22 on 127.0.0.1:SSH_PORT of the namespace."""
    httpd = shutil.which("busybox") or "/bin/busybox"
    return ("user,model=virtio-net-pci,restrict=on,net=169.254.169.0/24,host=169.254.169.1,"
            f"hostfwd=tcp:127.0.0.1:{SSH_PORT}-:22,"
            f"guestfwd=tcp:169.254.169.254:80-cmd:{httpd} httpd -i -h {tree}")


def _ssh(netns, key, known_hosts, command):
    """Run a command as root in the guest; known_hosts None accepts any host key."""
    if known_hosts is None:
        host_key_opts = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"]
    else:
        host_key_opts = ["-o", "StrictHostKeyChecking=yes",
                         "-o", f"UserKnownHostsFile={known_hosts}"]
    return subprocess.run(
        ["ip", "netns", "exec", netns, "ssh", "-i", str(key), "-p", str(SSH_PORT),
         "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR",
         *host_key_opts, "root@127.0.0.1", command],
        capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.e2e_light
def test_boot_from_metadata_service_then_ssh_and_power_off(make_guest, tmp_path, ssh_key,
                                                           netns):
    if shutil.which("ssh") is None:
        pytest.skip("no ssh client (apt-get install openssh-client)")
    hostname = "md-guest.novalocal"
    tree = openstack_tree(tmp_path / "metadata", hostname,
                          ssh_key.with_suffix(".pub").read_text())
    with make_guest(["-nic", _nic(tmp_path, tree)], netns=netns, monitor=True) as guest:
        booted, seconds = guest.wait_for(BOOTED_RE.pattern)
        record_figure("boot to 'booted', metadata service over DHCP", seconds)
        assert booted.groups() == (UUID, hostname, "metadata-service")
        guest.wait_for(rf"{MARKER} 42 on {hostname}")

        # SSH with the injected key, checking the host key the guest printed on its console.
        host_keys, _ = guest.wait_for(
            r"(?s)-----BEGIN SSH HOST KEY KEYS-----\r?\n(.*?)-----END SSH HOST KEY KEYS-----")
        guest.wait_for(r"listening on port 22")
        known_hosts = tmp_path / "known_hosts"
        known_hosts.write_text("".join(
            f"[127.0.0.1]:{SSH_PORT} {' '.join(line.split()[:2])}\n"
            for line in host_keys.group(1).splitlines() if line.strip()))
        deadline = time.monotonic() + 60
        while True:
            proc = _ssh(netns, ssh_key, known_hosts,
                        "hostname; ip -4 addr show eth0; cat /run/alto/uuid")
            if proc.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(2)
        assert proc.returncode == 0, proc.stderr + guest.console()
        assert proc.stdout.splitlines()[0] == hostname
        assert "169.254.169.15/24" in proc.stdout
        assert proc.stdout.splitlines()[-1] == UUID
        record_figure("boot to a successful SSH command", time.monotonic() - guest.started)

        # The ACPI power button (what a graceful stop sends) powers the guest off.
        guest.monitor("system_powerdown")
        assert guest.wait_exit(60), "guest did not power off:\n" + guest.console()
        assert "power button, powering off" in guest.console()


def test_boot_from_ec2_metadata(make_guest, tmp_path, ssh_key, netns):
    tree = ec2_tree(tmp_path / "ec2", "i-0000002a", "ec2-guest",
                    ssh_key.with_suffix(".pub").read_text())
    with make_guest(["-nic", _nic(tmp_path, tree)], netns=netns) as guest:
        booted, _ = guest.wait_for(BOOTED_RE.pattern)
        assert booted.groups() == ("i-0000002a", "ec2-guest", "ec2-metadata")
        assert "keys=1" in booted.string[booted.start():].splitlines()[0]
        guest.wait_for(rf"{MARKER} 42 on ec2-guest")


def test_static_network_from_config_drive(make_guest, tmp_path, ssh_key, netns):
    """network_data.json with a static IPv4 network: no DHCP, the address, routes and DNS
    it names, on the interface with its MAC address."""
    mac = "fa:16:3e:0a:0b:0c"
    tree = openstack_tree(tmp_path / "config-drive", "static-guest",
                          ssh_key.with_suffix(".pub").read_text())
    (tree / "openstack" / "latest" / "network_data.json").write_text(json.dumps({
        "links": [{"id": "tap-e2e", "type": "ovs", "ethernet_mac_address": mac, "mtu": 1500}],
        "networks": [{"id": "network0", "type": "ipv4", "link": "tap-e2e",
                      "ip_address": "169.254.169.15", "netmask": "255.255.255.0",
                      "routes": [{"network": "0.0.0.0", "netmask": "0.0.0.0",
                                  "gateway": "169.254.169.1"}]}],
        "services": [{"type": "dns", "address": "169.254.169.3"}]}))
    iso = make_iso(tree, tmp_path / "config.iso", "config-2")
    nic = (f"user,model=virtio-net-pci,mac={mac},restrict=on,net=169.254.169.0/24,"
           f"host=169.254.169.1,hostfwd=tcp:127.0.0.1:{SSH_PORT}-:22")
    with make_guest(["-nic", nic, "-drive", f"file={iso},format=raw,if=virtio,readonly=on"],
                    netns=netns) as guest:
        booted, _ = guest.wait_for(BOOTED_RE.pattern)
        assert booted.groups() == (UUID, "static-guest", "config-drive")
        assert "network configured from network_data.json" in guest.console()
        assert "(dhcp" not in guest.console()
        guest.wait_for(r"listening on port 22")
        deadline = time.monotonic() + 60
        while True:
            proc = _ssh(netns, ssh_key, None,
                        "ip -4 addr show eth0; ip route; cat /etc/resolv.conf")
            if proc.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(2)
        assert proc.returncode == 0, proc.stderr + guest.console()
        assert "inet 169.254.169.15/24" in proc.stdout
        assert "default via 169.254.169.1 dev eth0" in proc.stdout
        assert "nameserver 169.254.169.3" in proc.stdout


def test_static_network_from_metadata_when_dhcp_gives_no_address(make_guest, tmp_path,
                                                                  ssh_key, netns):
    """No DHCP server and no config drive: the guest reaches 169.254.169.254 on its link
    with a link-local address, applies the static network of network_data.json (as
    cloud-init does), then reads its metadata through the gateway it was given."""
    mac = "fa:16:3e:0d:0e:0f"
    tree = openstack_tree(tmp_path / "metadata", "ll-guest",
                          ssh_key.with_suffix(".pub").read_text())
    (tree / "openstack" / "latest" / "network_data.json").write_text(json.dumps({
        "links": [{"id": "tap-e2e", "type": "ovs", "ethernet_mac_address": mac, "mtu": 1500}],
        "networks": [{"id": "network0", "type": "ipv4", "link": "tap-e2e",
                      "ip_address": "10.20.30.5", "netmask": "255.255.255.0",
                      "routes": [{"network": "0.0.0.0", "netmask": "0.0.0.0",
                                  "gateway": "10.20.30.1"}]}],
        "services": []}))
    tap = "tapmd0"

    def in_ns(*argv, check=True):
        return subprocess.run(["ip", "netns", "exec", netns, *argv], check=check,
                              capture_output=True, text=True, timeout=30)
    # The link's far end: the metadata address (as a network's DHCP port has it) and the
    # gateway of the static network, nothing else; no DHCP server anywhere.
    in_ns("ip", "tuntap", "add", "dev", tap, "mode", "tap")
    in_ns("ip", "addr", "add", "169.254.169.254/16", "dev", tap)
    in_ns("ip", "addr", "add", "10.20.30.1/24", "dev", tap)
    in_ns("ip", "link", "set", tap, "up")
    busybox = shutil.which("busybox") or "/bin/busybox"
    httpd = subprocess.Popen(["ip", "netns", "exec", netns, busybox, "httpd", "-f", "-p",
                              "169.254.169.254:80", "-h", str(tree)])
    try:
        nic = ["-netdev", f"tap,id=n0,ifname={tap},script=no,downscript=no",
               "-device", f"virtio-net-pci,netdev=n0,mac={mac}"]
        with make_guest(nic, netns=netns) as guest:
            booted, seconds = guest.wait_for(BOOTED_RE.pattern)
            record_figure("boot to 'booted', static network from the metadata service",
                          seconds)
            console = guest.console()
            assert booted.groups() == (UUID, "ll-guest", "metadata-service"), console
            assert "no DHCP lease on eth0" in console
            assert "network configured from network_data.json (metadata service)" in console
            deadline = time.monotonic() + 30
            while in_ns("ping", "-c", "1", "-W", "2", "10.20.30.5",
                        check=False).returncode != 0:
                assert time.monotonic() < deadline, guest.console()
    finally:
        httpd.terminate()
        httpd.wait(10)


def test_no_metadata_anywhere_still_boots_within_the_bound(guest_image, tmp_path, netns):
    """DHCP works but nothing answers at 169.254.169.254: the guest gives up after
    alto.md_wait seconds and boots with its default name and no keys."""
    image = dict(guest_image, cmdline=guest_image["cmdline"] + " alto.md_wait=6")
    nic = "user,model=virtio-net-pci,restrict=on,net=169.254.169.0/24,host=169.254.169.1"
    with Guest(image, tmp_path, ["-nic", nic], netns=netns) as guest:
        booted, _ = guest.wait_for(BOOTED_RE.pattern)
        assert booted.groups() == ("", "alto-guest", "none")
        console = guest.console()
        assert "metadata service not answering yet" in console
        assert "no metadata from http://169.254.169.254" in console
        up_dhcp = float(console.split("(dhcp bound, uptime ")[1].split("s)")[0])
        up_booted = float(console.split("source=none keys=0 uptime=")[1].split("s")[0])
        # 6 s of retries, plus at most one 5 s attempt begun just before the deadline
        assert up_booted - up_dhcp < 6 + 5 + 3, console
