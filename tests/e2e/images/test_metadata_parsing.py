"""The guest's metadata handling, run on the host under busybox (the guest's own tools).

json.awk reads meta_data.json / network_data.json; the init's functions turn them into a
hostname, authorized_keys and network commands; udhcpc.script applies a DHCP lease.
"""

import json
import random
import stat
import subprocess

import pytest

from tests.e2e.images.conftest import GUEST, SAMPLES

pytestmark = pytest.mark.e2e

JSON_AWK = GUEST / "json.awk"


@pytest.fixture
def awk(busybox_bin):
    def run(path, *variables, check=True):
        cmd = [str(busybox_bin / "awk"), "-f", str(JSON_AWK)]
        for var in variables:
            cmd += ["-v", var]
        proc = subprocess.run([*cmd, str(path)], capture_output=True, check=False)
        if check:
            assert proc.returncode == 0, proc.stderr
        return proc
    return run


def get(awk, path, field):
    return awk(path, f"get={field}").stdout.decode("utf-8")


def escape(value):
    return (value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
            .replace("\r", "\\r"))


def flatten(value, path=""):
    """What json.awk lists for a decoded JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            key = key.replace("/", "_").replace("\t", "_").replace("\n", "_")
            yield from flatten(item, f"{path}/{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from flatten(item, f"{path}/{index}" if path else str(index))
    elif value is None:
        yield path, ""
    elif value is True:
        yield path, "true"
    elif value is False:
        yield path, "false"
    else:
        yield path, value


def load(path):
    """The document as json.awk sees it: numbers kept as written."""
    return json.loads(path.read_text(encoding="utf-8"), parse_int=str, parse_float=str)


def listed(awk, path):
    lines = awk(path).stdout.decode("utf-8").splitlines()
    return [tuple(line.split("\t", 1)) for line in lines]


@pytest.mark.parametrize("sample", ["meta_data_pretty.json", "meta_data_compact.json",
                                    "meta_data_keys_only.json", "network_data_static.json"])
def test_listing_matches_python_json(awk, sample):
    expected = [(p, escape(v)) for p, v in flatten(load(SAMPLES / sample))]
    assert listed(awk, SAMPLES / sample) == expected


def test_top_level_fields_with_escapes_and_unicode(awk):
    compact = SAMPLES / "meta_data_compact.json"
    assert get(awk, compact, "uuid") == "a3d9e1f0-2222-4b4b-8c8c-00000000beef"
    assert get(awk, compact, "hostname") == "caf\u00e9-\u65e5\u672c-\U0001F680"
    assert get(awk, compact, "name") == 'name with "quotes" and \\ and /'
    assert get(awk, compact, "launch_index") == "3"
    assert get(awk, compact, "meta/nested/deep/2") == "-3e2"
    pretty = SAMPLES / "meta_data_pretty.json"
    assert get(awk, pretty, "meta/role") == 'web "front" tier'
    assert get(awk, pretty, "meta/path") == "C:\\temp\\x"
    assert get(awk, pretty, "meta/motd") == "line one\nline two\ttabbed"
    assert get(awk, pretty, "meta/owner") == "Zo\u00eb \u00c5ngstr\u00f6m"
    assert get(awk, pretty, "random_seed") == "q83vEjRWeJA/3q2+7w=="
    assert get(awk, pretty, "admin_pass") == ""


def test_missing_field_exits_1(awk):
    proc = awk(SAMPLES / "meta_data_pretty.json", "get=no_such_field", check=False)
    assert proc.returncode == 1 and proc.stdout == b""


def test_public_keys_one_per_line_trimmed(awk):
    proc = awk(SAMPLES / "meta_data_compact.json", "each=^public_keys/")
    assert proc.stdout.decode().splitlines() == [
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQFake1 ops@bastion",
        "ecdsa-sha2-nistp256 AAAAE2VjZHNhFake2 dev@box",
    ]


def test_each_splits_values_into_lines(awk, tmp_path):
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"public_keys": {
        "two": "ssh-ed25519 AAAA1 a@x\r\n\n  ssh-ed25519 AAAA2 b@y  \n",
        "one": "ssh-rsa AAAA3 c@z"}, "other": "ssh-rsa AAAA4 not-a-public-key"}))
    proc = awk(path, "each=^public_keys/")
    assert proc.stdout.decode().splitlines() == [
        "ssh-ed25519 AAAA1 a@x", "ssh-ed25519 AAAA2 b@y", "ssh-rsa AAAA3 c@z"]


@pytest.mark.parametrize("text", [
    '{"a": 1', '{"a" 1}', '{"a": "b}', '{"a": tru}', '[1, 2,]x', '{"a": "\\q"}',
    '{"a": "\\u12G4"}', '', '{"a": 1} {"b": 2}',
])
def test_invalid_json_exits_2(awk, tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_text(text)
    proc = awk(path, "get=a", check=False)
    assert proc.returncode == 2
    assert b"json.awk:" in proc.stderr


def test_byte_order_mark_and_surrogates(awk, tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b'\xef\xbb\xbf{"k": "\\ud83d\\ude00 \\u0041\\u00df \\ud800x"}')
    assert get(awk, path, "k") == "\U0001F600 A\u00df \ufffdx"


def random_string(rng):
    alphabet = ['"', "\\", "/", "\n", "\t", "\r", "\b", "\f", "\x01", " ", "a", "Z", "0", "{",
                "}", "[", "]", ",", ":", "\u00e9", "\u2603", "\U0001F680", "\u65e5"]
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))


def random_value(rng, depth=0):
    kind = rng.randint(0, 7 if depth < 3 else 4)
    if kind == 0:
        return random_string(rng)
    if kind == 1:
        return rng.choice([0, -1, 42, 3.5, -2.25e-3, 1e21])
    if kind == 2:
        return rng.choice([True, False, None])
    if kind in (3, 4):
        return random_string(rng)
    if kind in (5, 6):
        return {random_string(rng) + str(i): random_value(rng, depth + 1)
                for i in range(rng.randint(0, 4))}
    return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_random_documents_round_trip(awk, tmp_path, ensure_ascii):
    rng = random.Random(11)
    for round_ in range(40):
        doc = {f"k{i}": random_value(rng) for i in range(rng.randint(1, 6))}
        path = tmp_path / f"doc{round_}.json"
        indent = rng.choice([None, 2])
        path.write_text(json.dumps(doc, ensure_ascii=ensure_ascii, indent=indent),
                        encoding="utf-8")
        expected = [(p, escape(v)) for p, v in flatten(load(path))]
        out = awk(path).stdout.decode("utf-8")
        got = [tuple(line.split("\t", 1)) for line in out.split("\n")[:-1]]
        assert got == expected, path.read_text()


# --- the init's functions, sourced under busybox sh ------------------------------------------

@pytest.fixture
def guest_sh(busybox_bin, tmp_path):
    """Run shell code with the init's functions loaded; ROOT and STATE point into tmp_path."""
    root = tmp_path / "root"
    state = root / "run" / "alto"
    for d in (state, root / "etc", root / "root"):
        d.mkdir(parents=True, exist_ok=True)

    def run(code):
        env = {"PATH": str(busybox_bin), "ALTO_LIB_ONLY": "1", "ROOT": str(root),
               "ALTO_SHARE": str(GUEST), "ALTO_STATE": str(state)}
        proc = subprocess.run([str(busybox_bin / "sh"), "-c", f'. "{GUEST}/init"; {code}'],
                              capture_output=True, text=True, env=env, timeout=60,
                              check=False)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout
    run.root = root
    run.state = state
    return run


def test_extract_openstack_fields(guest_sh):
    (guest_sh.state / "meta_data.json").write_bytes(
        (SAMPLES / "meta_data_compact.json").read_bytes())
    guest_sh("extract_openstack")
    assert (guest_sh.state / "uuid").read_text() == "a3d9e1f0-2222-4b4b-8c8c-00000000beef"
    assert (guest_sh.state / "hostname").read_text(encoding="utf-8") == \
        "caf\u00e9-\u65e5\u672c-\U0001F680"
    assert (guest_sh.state / "keys").read_text().splitlines() == [
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQFake1 ops@bastion",
        "ecdsa-sha2-nistp256 AAAAE2VjZHNhFake2 dev@box",
    ]


def test_extract_falls_back_to_keys_array_and_name(guest_sh):
    (guest_sh.state / "meta_data.json").write_bytes(
        (SAMPLES / "meta_data_keys_only.json").read_bytes())
    guest_sh("extract_openstack")
    assert (guest_sh.state / "hostname").read_text() == "only-name"
    assert (guest_sh.state / "keys").read_text() == \
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeysArray k1@x\n"


def test_hostname_and_keys_applied(guest_sh):
    (guest_sh.state / "hostname").write_text("web_1 (prod).example.org\n")
    (guest_sh.state / "keys").write_text(
        "ssh-ed25519 AAAAC3Nza one@x\nnot a key\n\nssh-ed25519 AAAAC3Nza one@x\n"
        "ecdsa-sha2-nistp256 AAAAE2 two@y\n")
    out = guest_sh('apply_hostname; install_keys; echo "$HOSTNAME_SET $KEY_COUNT"')
    assert out.split() == ["web1prod.example.org", "2"]
    assert (guest_sh.root / "etc" / "hostname").read_text() == "web1prod.example.org\n"
    keys = guest_sh.root / "root" / ".ssh" / "authorized_keys"
    assert keys.read_text().splitlines() == ["ecdsa-sha2-nistp256 AAAAE2 two@y",
                                             "ssh-ed25519 AAAAC3Nza one@x"]
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys.parent.stat().st_mode) == 0o700


def test_hostname_defaults_when_metadata_has_none(guest_sh):
    assert guest_sh('apply_hostname; echo "$HOSTNAME_SET"').strip() == "alto-guest"


def test_static_network_plan(guest_sh):
    (guest_sh.state / "network_data.json").write_bytes(
        (SAMPLES / "network_data_static.json").read_bytes())
    plan = guest_sh("static_net_plan").splitlines()
    # No interface with that MAC on the host running the test: the plan falls back to eth0.
    assert plan == [
        "ip link set eth0 up",
        "ip addr add 10.0.0.5/24 dev eth0",
        "ip route replace default via 10.0.0.1 dev eth0",
        "ip route replace 192.168.50.0/23 via 10.0.0.254 dev eth0",
        ": > /etc/resolv.conf",
        "echo nameserver 10.0.0.2 >> /etc/resolv.conf",
        "echo nameserver 10.0.0.3 >> /etc/resolv.conf",
    ]


@pytest.mark.parametrize("content", [None, "network_data_dhcp.json", "garbage"])
def test_no_static_plan_means_dhcp(guest_sh, content):
    if content == "garbage":
        (guest_sh.state / "network_data.json").write_text("{not json")
    elif content:
        (guest_sh.state / "network_data.json").write_bytes((SAMPLES / content).read_bytes())
    assert guest_sh("static_net_plan") == ""


# --- udhcpc.script -------------------------------------------------------------------------

def run_udhcpc_script(busybox_bin, tmp_path, event, **lease):
    resolv = tmp_path / "resolv.conf"
    uptime = tmp_path / "uptime"
    uptime.write_text("1.00 0.50\n")
    env = {"PATH": str(busybox_bin), "ALTO_IP": "echo ip", "ALTO_RESOLV_CONF": str(resolv),
           "ALTO_UPTIME": str(uptime),
           "interface": "eth0", **lease}
    proc = subprocess.run([str(busybox_bin / "sh"), str(GUEST / "udhcpc.script"), event],
                          capture_output=True, text=True, env=env, check=True)
    return proc.stdout.splitlines(), resolv.read_text() if resolv.exists() else None


def test_lease_with_classless_routes_to_metadata(busybox_bin, tmp_path):
    commands, resolv = run_udhcpc_script(
        busybox_bin, tmp_path, "bound", ip="10.1.0.7", mask="24", router="10.1.0.1",
        staticroutes="169.254.169.254/32 10.1.0.2 0.0.0.0/0 10.1.0.1 10.9.0.0/16 0.0.0.0",
        dns="10.1.0.2 10.1.0.3", search="example.org", mtu="1450")
    assert commands == [
        "ip link set eth0 mtu 1450",
        "ip addr flush dev eth0",
        "ip addr add 10.1.0.7/24 dev eth0",
        "ip route replace 169.254.169.254/32 via 10.1.0.2 dev eth0",
        "ip route replace 0.0.0.0/0 via 10.1.0.1 dev eth0",
        "ip route replace 10.9.0.0/16 dev eth0",
        "alto-guest: eth0 10.1.0.7/24 (dhcp bound, uptime 1.00s)",
    ]
    assert resolv == "search example.org\nnameserver 10.1.0.2\nnameserver 10.1.0.3\n"


def test_lease_with_router_only(busybox_bin, tmp_path):
    commands, resolv = run_udhcpc_script(busybox_bin, tmp_path, "renew", ip="10.2.0.9",
                                         mask="26", router="10.2.0.1 10.2.0.2")
    assert "ip route replace default via 10.2.0.1 dev eth0" in commands
    assert resolv is None


def test_deconfig(busybox_bin, tmp_path):
    commands, _ = run_udhcpc_script(busybox_bin, tmp_path, "deconfig")
    assert commands == ["ip addr flush dev eth0", "ip link set eth0 up"]


@pytest.mark.parametrize("mac,address", [
    ("fa:16:3e:0d:0e:0f", "169.254.15.15"),
    ("fa:16:3e:00:00:00", "169.254.1.0"),
    ("fa:16:3e:00:fe:ff", "169.254.1.255"),
    # 169.254.169.254 is the metadata service's: never taken
    ("fa:16:3e:00:a8:fe", "169.254.169.253"),
])
def test_link_local_address_from_the_mac(guest_sh, mac, address):
    assert guest_sh(f"link_local_addr {mac}").strip() == address
