"""As a new user would: a 1 GiB file uploaded with ``swift upload --use-slo``
in 100 MiB segments and downloaded back (same md5) while the proxy's memory
stays flat, and a temporary URL that works until it expires."""

import hashlib
import hmac
import os
import subprocess
import threading
import time

import pytest
import requests

from tests.functional.objectstore import fixtures
from tests.functional.objectstore import test_cli

pytestmark = pytest.mark.functional
GIB = 1 << 30
SEGMENT = 100 * (1 << 20)
#: most the proxy's RSS may grow while a GiB streams through it
FLAT_KIB = 64 * 1024


def swift_env(identity):
    env = {k: v for k, v in os.environ.items() if not k.startswith(('OS_', 'ST_'))}
    env.update({'OS_AUTH_URL': identity.url, 'OS_USERNAME': 'demo-user',
                'OS_PASSWORD': fixtures.USER_PASSWORD, 'OS_PROJECT_NAME': 'demo',
                'OS_USER_DOMAIN_ID': 'default', 'OS_PROJECT_DOMAIN_ID': 'default',
                'OS_REGION_NAME': 'RegionOne', 'OS_IDENTITY_API_VERSION': '3',
                'ST_AUTH_VERSION': '3'})
    return env


class RssSampler(threading.Thread):
    """Samples a daemon's RSS (KiB) every 0.2 s until stopped."""

    def __init__(self, daemon):
        super().__init__(daemon=True)
        self.daemon_proc = daemon
        self.samples = []
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            self.samples.append(self.daemon_proc.rss_kib())
            self.done.wait(0.2)

    def stop(self):
        self.done.set()
        self.join()
        return max(self.samples)


def test_a_gib_as_slo_round_trip_with_flat_proxy_memory(identity, objectstore, tmp_path):
    source = tmp_path / 'gib.bin'
    digest = hashlib.md5()
    block = os.urandom(1 << 20)
    with open(source, 'wb') as f:
        for i in range(GIB >> 20):
            chunk = i.to_bytes(8, 'big') + block[8:]
            digest.update(chunk)
            f.write(chunk)
    want = digest.hexdigest()
    proxy = objectstore.daemons['proxy']
    before = proxy.rss_kib()
    env = swift_env(identity)
    sampler = RssSampler(proxy)
    sampler.start()
    started = time.monotonic()
    up = subprocess.run([test_cli.SWIFT, 'upload', '--use-slo', '-S', str(SEGMENT),
                         'gib', 'gib.bin'], env=env, cwd=tmp_path, capture_output=True,
                        text=True, timeout=900)
    upload_s = time.monotonic() - started
    upload_peak = sampler.stop()
    assert up.returncode == 0, up.stdout + up.stderr
    source.unlink()
    stat = subprocess.run([test_cli.SWIFT, 'stat', 'gib', 'gib.bin'], env=env,
                          capture_output=True, text=True, timeout=120)
    assert 'Content Length: %d' % GIB in stat.stdout, stat.stdout
    segments = subprocess.run([test_cli.SWIFT, 'list', 'gib_segments'], env=env,
                              capture_output=True, text=True, timeout=120)
    assert len(segments.stdout.split()) == -(-GIB // SEGMENT)   # 11: ten full, one short
    sampler = RssSampler(proxy)
    sampler.start()
    started = time.monotonic()
    down = subprocess.Popen([test_cli.SWIFT, 'download', 'gib', 'gib.bin', '-o', '-'],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    got = hashlib.md5()
    size = 0
    for chunk in iter(lambda: down.stdout.read(1 << 20), b''):
        got.update(chunk)
        size += len(chunk)
    assert down.wait(timeout=900) == 0, down.stderr.read()
    download_s = time.monotonic() - started
    download_peak = sampler.stop()
    print('\n1 GiB SLO (100 MiB segments): upload %.1f s, download %.1f s; proxy RSS %d KiB '
          'before, peak %d KiB uploading, %d KiB downloading'
          % (upload_s, download_s, before, upload_peak, download_peak))
    assert size == GIB and got.hexdigest() == want
    assert upload_peak - before < FLAT_KIB
    assert download_peak - before < FLAT_KIB
    subprocess.run([test_cli.SWIFT, 'delete', 'gib', 'gib.bin'], env=env,
                   capture_output=True, timeout=300)


def test_a_temporary_url_expires(api, objectstore):
    account = objectstore.account('demo')
    api('PUT', '/expiring-url')
    api('PUT', '/expiring-url/ticket.txt', data=b'valid for a moment')
    assert api('POST', '/expiring-url', headers={
        'X-Container-Meta-Temp-URL-Key': 'moment'}).status_code == 204
    path = '/v1/%s/expiring-url/ticket.txt' % account
    expires = int(time.time()) + 3
    sig = hmac.new(b'moment', ('GET\n%d\n%s' % (expires, path)).encode(),
                   hashlib.sha256).hexdigest()
    url = '%s%s?temp_url_sig=%s&temp_url_expires=%d' % (objectstore.url, path, sig, expires)
    got = requests.get(url, timeout=10)
    assert got.status_code == 200 and got.content == b'valid for a moment'
    while time.time() <= expires:
        time.sleep(0.2)
    assert requests.get(url, timeout=10).status_code == 401
