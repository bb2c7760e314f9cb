"""Send the listing updates that failed again (async pendings); and the
pass of ``alto-objectstore-updater``, which also makes the containers'
periodic report to the accounts (:mod:`services.objectstore.container.reporter`).

An object or container server that could not reach a container or account
replica left the update in ``<device>/async_pending/<hash[-3:]>/``; a sweep
sends each one again and removes it once the replica took it.  Updates are
idempotent (rows are keyed by timestamp), so sending one twice is harmless.
"""

import contextlib
import json
import os
import time

from oslo_log import log as logging

from services.objectstore.common import client

LOG = logging.getLogger(__name__)


def pending_files(devices_root):
    try:
        devices = sorted(os.listdir(devices_root))
    except FileNotFoundError:
        return
    for device in devices:
        base = os.path.join(devices_root, device, 'async_pending')
        if not os.path.isdir(base):
            continue
        for suffix in sorted(os.listdir(base)):
            directory = os.path.join(base, suffix)
            for name in sorted(os.listdir(directory)):
                if not name.endswith('.tmp'):
                    yield os.path.join(directory, name)


def sweep(devices_root, conn_timeout, node_timeout):
    """One pass over every device; returns ``(sent, left)``."""
    sent = left = 0
    for path in pending_files(devices_root):
        try:
            with open(path) as f:
                body = json.load(f)
        except (OSError, ValueError) as exc:
            LOG.warning('Unreadable async pending %s: %s', path, exc)
            left += 1
            continue
        if client.update(body['host'], body['device'], body['partition'], body['method'],
                         body['account'], body['container'], body.get('obj'),
                         body['headers'], conn_timeout, node_timeout):
            # Another updater on the same devices (a daemon beside a --once
            # run) may have sent and removed it meanwhile: sent all the same.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            sent += 1
        else:
            left += 1
    if sent or left:
        LOG.info('Async pendings: %d sent, %d left for the next pass', sent, left)
    return sent, left


def make_pass(conf, clock=time.monotonic):
    """The updater daemon's pass: the async pendings every ``[storage]
    updater_interval`` seconds, the container reports every
    ``container_report_interval`` (each when due)."""
    from services.objectstore.container import reporter

    last = {'pendings': None, 'reports': None}

    def due(what, interval):
        now = clock()
        if last[what] is None or now - last[what] >= interval - 0.01:
            last[what] = now
            return True
        return False

    def one_pass():
        done = []
        timeout = conf.storage.node_timeout
        if due('pendings', conf.storage.updater_interval):
            done.append('async pendings: %d sent, %d left'
                        % sweep(conf.storage.devices, timeout, timeout))
        if due('reports', conf.storage.container_report_interval):
            done.append('container reports: %d sent, %d failed'
                        % reporter.sweep(conf.storage.devices, timeout, timeout))
        return '; '.join(done) or 'nothing due'
    return one_pass


def interval(conf):
    """Passes as often as the shorter of the two intervals asks."""
    return min(conf.storage.updater_interval, conf.storage.container_report_interval)
