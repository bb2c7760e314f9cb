"""Run the real ``openstack`` CLI against a test identity server."""

import json
import subprocess
import sys
import pathlib

OPENSTACK = str(pathlib.Path(sys.executable).parent / 'openstack')


class CLIError(Exception):
    def __init__(self, args, result):
        super().__init__('openstack %s failed (%s): %s' % (' '.join(args), result.returncode,
                                                            result.stderr.strip()[-600:]))
        self.stderr = result.stderr


class CLI:
    def __init__(self, server, cloud='altostratus-admin', clouds_yaml=None):
        self.env = server.cli_env(cloud, clouds_yaml)

    def run(self, *args, expect_fail=False):
        result = subprocess.run([OPENSTACK] + list(args), env=self.env, capture_output=True,
                                text=True, timeout=60)
        if expect_fail:
            if result.returncode == 0:
                raise AssertionError('openstack %s succeeded' % ' '.join(args))
            return result.stderr
        if result.returncode != 0:
            raise CLIError(args, result)
        return result.stdout

    def json(self, *args):
        out = self.run(*(list(args) + ['-f', 'json']))
        return json.loads(out) if out.strip() else None
