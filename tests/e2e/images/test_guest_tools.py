"""The guest's own sudo and curl (deploy/images/guest), run on the host under busybox.

What they do for real in a booted guest is in test_validation_commands; here, the options
they take and refuse.
"""

import os
import subprocess

import pytest

from tests.e2e.images.conftest import GUEST

pytestmark = pytest.mark.e2e


@pytest.fixture
def run(busybox_bin):
    def run_tool(tool, *args):
        env = {"PATH": str(busybox_bin), "HOME": "/"}
        return subprocess.run([str(busybox_bin / "sh"), str(GUEST / tool), *args],
                              capture_output=True, text=True, env=env, timeout=30, check=False)
    return run_tool


def test_sudo_runs_its_command_with_its_arguments(run):
    proc = run("sudo", "sh", "-c", 'echo "$0 $1"; exit 3', "a b", "c")
    assert (proc.returncode, proc.stdout) == (3, "a b c\n")


@pytest.mark.parametrize("options", [["-n"], ["-E", "-H"], ["-nE"], ["-u", "root"],
                                     ["-uroot"], ["-u", "#0", "--"]])
def test_sudo_takes_the_options_that_keep_root(run, options):
    proc = run("sudo", *options, "echo", "ran")
    assert (proc.returncode, proc.stdout) == (0, "ran\n"), proc.stderr


@pytest.mark.parametrize("options,message", [
    (["-u", "nobody"], "unknown user nobody"),
    (["-unobody"], "unknown user nobody"),
    (["-i"], "option -i is not supported"),
    (["-nX"], "option -nX is not supported"),
    ([], "usage: sudo"),
])
def test_sudo_refuses_other_users_and_options(run, options, message):
    proc = run("sudo", *options, "echo", "ran") if options else run("sudo")
    assert proc.returncode == 1 and proc.stdout == ""
    assert message in proc.stderr


def test_curl_version_and_protocols(run):
    proc = run("curl", "-V")
    assert proc.returncode == 0
    assert proc.stdout.startswith("curl ") and "Protocols: http https" in proc.stdout


@pytest.mark.parametrize("args,message", [
    (["-X", "POST", "http://x/"], "invalid option"),
    (["--data", "a", "http://x/"], "unrecognized option"),
    (["-s"], "no URL specified"),
    (["-m", "soon", "http://x/"], "whole number of seconds"),
])
def test_curl_refuses_what_it_does_not_do(run, args, message):
    proc = run("curl", *args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert message in proc.stderr


def test_curl_fails_as_curl_f_when_the_get_fails(run, tmp_path):
    # Nothing listens on 127.0.0.1 port 1: the GET fails, as an HTTP error status would.
    proc = run("curl", "-s", "-o", str(tmp_path / "out"), "127.0.0.1:1/none")
    assert proc.returncode == 22
    assert not os.path.exists(tmp_path / "out") or os.path.getsize(tmp_path / "out") == 0
