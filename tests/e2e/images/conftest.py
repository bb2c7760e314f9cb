"""Fixtures for the guest image tests: busybox on the host, the built image, QEMU guests."""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
IMAGES = REPO / "deploy" / "images"
GUEST = IMAGES / "guest"
SAMPLES = Path(__file__).resolve().parent / "samples"
BOOT_TIMEOUT = float(os.environ.get("ALTO_E2E_BOOT_TIMEOUT", "90"))
BOOTED_RE = re.compile(r"alto-guest: booted uuid=(\S*) hostname=(\S*) source=(\S*)")

# Figures measured by the tests, printed at the end of the run.
FIGURES = []


def record_figure(name, seconds):
    FIGURES.append((name, seconds))


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("guest image figures")
    for name, seconds in FIGURES:
        terminalreporter.write_line(f"{name}: {seconds:.1f} s")


def _busybox():
    path = shutil.which("busybox") or "/bin/busybox"
    if not os.path.exists(path):
        pytest.skip("busybox is not installed (apt-get install busybox-static)")
    return path


@pytest.fixture(scope="session")
def busybox_bin(tmp_path_factory):
    """A directory of busybox applet links: PATH for running guest code on the host."""
    busybox = _busybox()
    bindir = tmp_path_factory.mktemp("busybox-bin")
    for applet in subprocess.run([busybox, "--list"], capture_output=True, text=True,
                                 check=True).stdout.split():
        (bindir / applet).symlink_to(busybox)
    return bindir


@pytest.fixture(scope="session")
def guest_image():
    """The guest built by deploy/images/build.sh: {'kernel': ..., 'ramdisk': ..., ...}."""
    if shutil.which("qemu-system-x86_64") is None:
        pytest.skip("qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)")
    env = dict(os.environ)
    if os.geteuid() != 0 and "ALTO_IMAGE_CACHE" not in env:
        # /var/cache is root's; a user's build (packages already installed) goes to ~/.cache.
        env["ALTO_IMAGE_CACHE"] = str(Path.home() / ".cache" / "altostratus" / "images")
    start = time.monotonic()
    proc = subprocess.run([str(IMAGES / "build.sh")], capture_output=True, text=True,
                          timeout=900, env=env, check=False)
    assert proc.returncode == 0, f"build.sh failed:\n{proc.stderr}"
    record_figure("build.sh (cached when inputs are unchanged)", time.monotonic() - start)
    result = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
    for key in ("kernel", "ramdisk", "disk"):
        assert Path(result[key]).is_file(), result
    return result


class Guest:
    """One QEMU guest (software emulation) with its serial console in a file.

    Always use it as a context manager: QEMU is killed on exit, whatever happened.
    """

    def __init__(self, image, workdir, args=(), netns=None, memory=128, monitor=False):
        self.image = image
        self.console_path = Path(workdir) / "console.log"
        self.monitor_path = Path(workdir) / "monitor.sock" if monitor else None
        self.args = list(args)
        self.netns = netns
        self.memory = memory
        self.proc = None
        self.started = None

    def command(self):
        cmd = ["ip", "netns", "exec", self.netns] if self.netns else []
        cmd += [
            "qemu-system-x86_64", "-machine", "pc,accel=tcg", "-m", str(self.memory),
            "-smp", "1", "-display", "none", "-nodefaults", "-no-user-config",
            "-kernel", self.image["kernel"], "-initrd", self.image["ramdisk"],
            "-append", self.image.get("cmdline", "console=ttyS0"),
            "-serial", f"file:{self.console_path}",
        ]
        if self.monitor_path:
            cmd += ["-monitor", f"unix:{self.monitor_path},server=on,wait=off"]
        return cmd + self.args

    def __enter__(self):
        self.console_path.unlink(missing_ok=True)
        self.started = time.monotonic()
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        return self

    def __exit__(self, *exc):
        self.kill()

    def kill(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc:
            self.proc.wait(timeout=30)
            if self.proc.stderr:
                self.proc.stderr.close()

    def console(self):
        try:
            return self.console_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_for(self, pattern, timeout=BOOT_TIMEOUT):
        """Wait for a regex on the console; returns (match, seconds since QEMU started)."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = regex.search(self.console())
            if match:
                return match, time.monotonic() - self.started
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace")
                pytest.fail(f"QEMU exited ({self.proc.returncode}): {err}\n{self.console()}")
            time.sleep(0.1)
        pytest.fail(f"no {pattern!r} on the console within {timeout:.0f} s:\n{self.console()}")

    def monitor(self, command):
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(str(self.monitor_path))
            sock.sendall(command.encode() + b"\n")
            time.sleep(0.3)

    def wait_exit(self, timeout):
        try:
            self.proc.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False


@pytest.fixture
def make_guest(guest_image, tmp_path):
    guests = []

    def make(*args, **kwargs):
        guest = Guest(guest_image, tmp_path, *args, **kwargs)
        guests.append(guest)
        return guest

    yield make
    for guest in guests:
        guest.kill()


def make_iso(source_dir, iso_path, label):
    tool = shutil.which("genisoimage") or shutil.which("mkisofs")
    if tool:
        cmd = [tool, "-quiet", "-V", label, "-r", "-J", "-o", str(iso_path), str(source_dir)]
    elif shutil.which("xorriso"):
        cmd = ["xorriso", "-as", "mkisofs", "-quiet", "-V", label, "-r", "-J",
               "-o", str(iso_path), str(source_dir)]
    else:
        pytest.skip("no genisoimage or xorriso to build a config drive")
    subprocess.run(cmd, check=True)
    return iso_path


def make_vfat(source_dir, image_path, label):
    """A VFAT config drive (the other format a cloud may write), built with mtools."""
    if shutil.which("mformat") is None:
        pytest.skip("no mtools to build a VFAT config drive (apt-get install mtools)")
    with open(image_path, "wb") as f:
        f.truncate(4 * 1024 * 1024)
    subprocess.run(["mformat", "-i", str(image_path), "-v", label, "::"], check=True)
    for path in sorted(Path(source_dir).rglob("*")):
        target = "::/" + str(path.relative_to(source_dir))
        if path.is_dir():
            subprocess.run(["mmd", "-i", str(image_path), target], check=True)
        else:
            subprocess.run(["mcopy", "-i", str(image_path), str(path), target], check=True)
    return image_path


@pytest.fixture(scope="session")
def ssh_key(tmp_path_factory):
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed (apt-get install openssh-client)")
    path = tmp_path_factory.mktemp("ssh") / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alto-e2e@test",
                    "-f", str(path)], check=True)
    return path


@pytest.fixture
def netns():
    """A fresh network namespace with only loopback: nothing in it reaches the outside."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("needs root and iproute2 for a private network namespace")
    name = f"alto-e2e-img-{os.getpid()}-{time.monotonic_ns() % 100000}"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"],
                       check=True)
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False)
