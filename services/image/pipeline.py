"""Native-thread helpers for the image data path.

Hashing (md5 and sha512) is the CPU-bound part of moving image data.  On the API's green thread they would run one after the
other and stall every other request, so they go to OS threads instead:
hashlib releases the GIL on large buffers, which lets the two digests run
on two cores while the green thread keeps reading the socket.

Inside a daemon, OS threads are only reached through the concurrency
backend (``common.service.run_in_thread``); ``common.service`` is imported
first by every ``cmd`` module, so its presence in ``sys.modules`` tells us we
run under that backend.  Anywhere else (unit tests, a plain WSGI server) a
small thread pool owned by this module does the work.

At most one block is in flight per digest, so memory stays at a few blocks
per transfer whatever the image size.
"""

import concurrent.futures
import hashlib
import sys
import threading

#: below this size a native hand-off costs more than it saves
MIN_OFFLOAD_BYTES = 64 * 1024

_POOL = None
_POOL_LOCK = threading.Lock()


class _GreenJob:
    def __init__(self, service, func, args):
        self._thread = service.spawn(service.run_in_thread, func, *args)

    def result(self):
        return self._thread.wait()


def _thread_pool():
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = concurrent.futures.ThreadPoolExecutor(
                max_workers=8, thread_name_prefix='image-data')
        return _POOL


def submit(func, *args):
    """Run ``func(*args)`` in an OS thread; returns a job with ``result()``."""
    service = sys.modules.get('common.service')
    if service is not None:
        return _GreenJob(service, func, args)
    return _thread_pool().submit(func, *args)


def _settle(jobs):
    """Wait for every job, then raise the first failure (none left running)."""
    error = None
    for job in jobs:
        try:
            job.result()
        except BaseException as exc:  # noqa: B902 - re-raised below
            error = error or exc
    if error is not None:
        raise error


class ParallelDigests:
    """md5 and sha512 of a stream, each digest updated in its own OS thread.

    ``update`` returns as soon as the block is handed over; it first waits
    for the previous block, so blocks are digested in order and at most one
    is in flight.  Call ``finish`` (also on failure) before reading digests.
    """

    def __init__(self, algorithms=('md5', 'sha512')):
        self._hashes = [hashlib.new(name, usedforsecurity=False) if name == 'md5'
                        else hashlib.new(name) for name in algorithms]
        self._pending = []

    def update(self, block):
        self.finish()
        if len(block) < MIN_OFFLOAD_BYTES:
            for digest in self._hashes:
                digest.update(block)
            return
        self._pending = [submit(digest.update, block) for digest in self._hashes]

    def finish(self):
        pending, self._pending = self._pending, []
        _settle(pending)

    def hexdigests(self):
        self.finish()
        return [digest.hexdigest() for digest in self._hashes]
