"""The conductor runs build flows off the RPC executor, a bounded number at once."""

import threading
import time

from oslo_config import cfg

from services.compute.conductor import manager as conductor_manager

CONF = cfg.CONF


class BlockingBuilds:
    """Stands in for BuildTask: each build waits until released."""

    def __init__(self):
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.running = 0
        self.most_at_once = 0
        self.finished = []

    def build(self, context, instance_uuids, request_spec):
        with self.lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.release.wait(10)
        with self.lock:
            self.running -= 1
            self.finished.extend(instance_uuids)


def test_build_requests_return_at_once_and_run_bounded(env):
    CONF.set_override('max_concurrent_builds', 2, group='conductor')
    manager = conductor_manager.ConductorManager('ctl')
    builds = manager.build_task = BlockingBuilds()
    start = time.time()
    for i in range(6):
        manager.build_instances(None, ['uuid-%d' % i], {'flavor': {}})
    assert time.time() - start < 1, 'build_instances must not hold the RPC worker'
    deadline = time.time() + 5
    while builds.running < 2 and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    assert builds.running == 2
    builds.release.set()
    deadline = time.time() + 10
    while len(builds.finished) < 6 and time.time() < deadline:
        time.sleep(0.01)
    assert sorted(builds.finished) == ['uuid-%d' % i for i in range(6)]
    assert builds.most_at_once == 2
