"""Image API benchmark: 256 MiB upload/download against cp, RSS growth, list latency.

Starts its own alto-image-api (noauth, SQLite, temp dirs, free loopback port),
prints the figures and stops it.  Usage: .venv/bin/python tools/bench/image.py [MiB]

Each round copies the file with cp, uploads it and downloads it, so all three
see the same machine load.  An upload must compute md5 and sha512 of every
byte, which cp does not; the "hash ceiling" line is the rate of those two
digests alone (in memory, one thread each, as the API runs them), the best
any upload can reach on this machine.
"""

import hashlib
import http.client
import json
import os
import pathlib
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

BIN = pathlib.Path(sys.executable).parent
HEADERS = {'X-Project-Id': 'bench', 'X-User-Id': 'bench', 'X-Roles': 'admin,member,reader'}


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


class Sampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.05)


def request(port, method, path, body=None, headers=None):
    # 1 MiB client blocks: http.client's default 8 KiB send loop would be
    # what the upload figure measures
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=600, blocksize=1 << 20)
    conn.request(method, path, body=body, headers=dict(HEADERS, **(headers or {})))
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data


def create(port, name):
    status, data = request(port, 'POST', '/v2/images', json.dumps(
        {'name': name, 'disk_format': 'raw', 'container_format': 'bare'}),
        {'Content-Type': 'application/json'})
    assert status == 201, data
    return json.loads(data)['id']


def cpu_seconds(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def timed_cp(src, dst):
    start = time.perf_counter()
    shutil.copyfile(src, dst)
    os.sync()
    elapsed = time.perf_counter() - start
    os.unlink(dst)
    return elapsed


def hash_ceiling(path):
    """Seconds for md5 and sha512 of the file, each in its own thread."""
    blocks = []
    with open(path, 'rb') as f:
        while True:
            block = f.read(1 << 20)
            if not block:
                break
            blocks.append(block)

    def digest(name):
        h = hashlib.new(name)
        for block in blocks:
            h.update(block)
    threads = [threading.Thread(target=digest, args=(name,)) for name in ('md5', 'sha512')]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def timed_upload(port, image_id, path):
    size = os.path.getsize(path)
    start = time.perf_counter()
    with open(path, 'rb') as f:
        status, data = request(port, 'PUT', '/v2/images/%s/file' % image_id, f,
                               {'Content-Type': 'application/octet-stream',
                                'Content-Length': str(size)})
    assert status == 204, data
    return time.perf_counter() - start


def timed_download(port, image_id, out):
    start = time.perf_counter()
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=600)
    conn.request('GET', '/v2/images/%s/file' % image_id, headers=HEADERS)
    resp = conn.getresponse()
    assert resp.status == 200
    with open(out, 'wb') as f:
        while True:
            block = resp.read(1 << 20)
            if not block:
                break
            f.write(block)
    conn.close()
    return time.perf_counter() - start


def main():
    mib = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    work = pathlib.Path(tempfile.mkdtemp(prefix='alto-image-bench-', dir='/var/tmp'))
    port = free_port()
    conf = work / 'image.conf'
    conf.write_text('[DEFAULT]\nstate_path = %s\n[api]\nauth_strategy = noauth\n'
                    'bind_port = %d\n[database]\nconnection = sqlite:///%s/image.sqlite\n'
                    % (work, port, work))
    subprocess.run([str(BIN / 'alto-manage'), '--config-file', str(conf), 'image', 'db',
                    'sync'], check=True, capture_output=True)
    proc = subprocess.Popen([str(BIN / 'alto-image-api'), '--config-file', str(conf)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        for _ in range(100):
            try:
                request(port, 'GET', '/versions')
                break
            except OSError:
                time.sleep(0.1)
        src = work / 'src.img'
        with open(src, 'wb') as f:
            block = os.urandom(1 << 20)
            for _ in range(mib):
                f.write(block)
        hash_rate = mib / min(hash_ceiling(src) for _ in range(3))

        base = rss_kib(proc.pid)
        sampler = Sampler(proc.pid)
        sampler.start()
        cp_times, up_times, down_times, up_cpu, down_cpu = [], [], [], [], []
        for i in range(3):
            cp_times.append(timed_cp(src, work / 'cp.img'))
            image_id = create(port, 'bench-%d' % i)
            before = cpu_seconds(proc.pid)
            up_times.append(timed_upload(port, image_id, src))
            middle = cpu_seconds(proc.pid)
            down_times.append(timed_download(port, image_id, work / 'out.img'))
            after = cpu_seconds(proc.pid)
            up_cpu.append(middle - before)
            down_cpu.append(after - middle)
            os.unlink(work / 'out.img')
            request(port, 'DELETE', '/v2/images/%s' % image_id)
        sampler.running = False
        sampler.join()
        cp_rate = mib / min(cp_times)
        up_rate, down_rate = mib / min(up_times), mib / min(down_times)

        for i in range(500):
            create(port, 'list-%03d' % i)
        timings = {}
        for label, path in (('limit=500 (one page)', '/v2/images?limit=500'),
                            ('default page (25)', '/v2/images')):
            samples = []
            for _ in range(20):
                start = time.perf_counter()
                status, _ = request(port, 'GET', path)
                samples.append((time.perf_counter() - start) * 1000)
                assert status == 200
            timings[label] = statistics.median(samples)

        print('image size                 %d MiB' % mib)
        print('cp (copyfile + sync)       %.0f MiB/s  (best of 3)' % cp_rate)
        print('hash ceiling md5 || sha512 %.0f MiB/s  = %.0f%% of cp  (digests alone)' % (
            hash_rate, 100 * hash_rate / cp_rate))
        print('upload   (best of 3)       %.0f MiB/s  = %.0f%% of cp, %.0f%% of hash ceiling;'
              '  API CPU %.2f s' % (up_rate, 100 * up_rate / cp_rate, 100 * up_rate / hash_rate,
                                   min(up_cpu)))
        print('download (best of 3)       %.0f MiB/s  = %.0f%% of cp;  API CPU %.2f s' % (
            down_rate, 100 * down_rate / cp_rate, min(down_cpu)))
        print('API RSS baseline / peak    %.1f / %.1f MiB  (growth %.1f MiB)' % (
            base / 1024, sampler.peak / 1024, (sampler.peak - base) / 1024))
        for label, p50 in timings.items():
            print('list of 500 images, %-22s p50 %.1f ms' % (label, p50))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
