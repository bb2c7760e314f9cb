"""The image data path: a body read in blocks, counted, capped, inspected
and hashed on its way to the store.

:class:`HashingReader` iterates a request body (or a staged file, or a
web-download response) ``chunk_size`` bytes at a time; nothing holds the
data whole.

Hashing (md5 and sha512) is the CPU-bound part of moving image data.  On
the API's green thread they would run one after the other and stall every
other request, so they go to OS threads instead:
hashlib releases the GIL on large buffers, which lets the two digests run
on two cores while the green thread keeps reading the socket.

Inside the daemon, OS threads are reached through the concurrency backend:
``alto-image-api`` installs ``common.service.submit_native`` with
:func:`use_native_runner`.  Anywhere else (unit tests, a plain WSGI server) a
small thread pool owned by this module does the work.

At most one block is in flight per digest, so memory stays at a few blocks
per transfer whatever the image size.
"""

import concurrent.futures
import hashlib
import struct
import threading

from services.image import exception
from services.image import formats

HASH_ALGO = 'sha512'
QCOW2_MAGIC = b'QFI\xfb'
_HEADER_BYTES = 32

#: below this size a native hand-off costs more than it saves
MIN_OFFLOAD_BYTES = 64 * 1024

_POOL = None
_POOL_LOCK = threading.Lock()
_NATIVE_RUNNER = None


def use_native_runner(runner):
    """Hand OS-thread work to ``runner(func, *args)``, which returns a handle
    with ``wait()`` (the daemon's concurrency backend)."""
    global _NATIVE_RUNNER
    _NATIVE_RUNNER = runner


class _RunnerJob:
    def __init__(self, handle):
        self._handle = handle

    def result(self):
        return self._handle.wait()


def _thread_pool():
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = concurrent.futures.ThreadPoolExecutor(
                max_workers=8, thread_name_prefix='image-data')
        return _POOL


def submit(func, *args):
    """Run ``func(*args)`` in an OS thread; returns a job with ``result()``."""
    if _NATIVE_RUNNER is not None:
        return _RunnerJob(_NATIVE_RUNNER(func, *args))
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


class HashingReader:
    """Iterates a request body in chunks, counting, hashing and capping it."""

    def __init__(self, source, chunk_size, size_cap, expected_length=None, inspector=None):
        self.source = source
        self.inspector = inspector
        self.chunk_size = chunk_size
        self.size_cap = size_cap
        self.expected_length = expected_length
        self.size = 0
        self.header = b''
        self._digests = ParallelDigests(('md5', HASH_ALGO))

    def _read(self):
        if hasattr(self.source, 'read'):
            while True:
                want = self.chunk_size
                if self.expected_length is not None:
                    want = min(want, self.expected_length - self.size)
                    if want <= 0:
                        return
                chunk = self.source.read(want)
                if not chunk:
                    return
                yield chunk
        else:
            yield from self.source

    def __iter__(self):
        try:
            for chunk in self._read():
                self.size += len(chunk)
                if self.size > self.size_cap:
                    raise exception.ImageSizeLimitExceeded(cap=self.size_cap)
                if len(self.header) < _HEADER_BYTES:
                    self.header += chunk[:_HEADER_BYTES - len(self.header)]
                # digests run in OS threads while the store writes the chunk
                # and the next one is read from the socket
                if self.inspector is not None:
                    self.inspector.feed(chunk)  # may refuse before the store writes it
                self._digests.update(chunk)
                yield chunk
        finally:
            self._digests.finish()
        if self.expected_length is not None and self.size < self.expected_length:
            raise exception.UploadIncomplete(received=self.size,
                                             expected=self.expected_length)
        if self.inspector is not None:
            self.inspector.verdict()

    def discard_rest(self):
        """Read and drop what the client is still sending (up to the size
        cap), so it reads the error answer rather than a reset connection."""
        try:
            for chunk in self._read():
                self.size += len(chunk)
                if self.size > self.size_cap:
                    return
        except Exception:  # the client went away: nothing left to answer
            pass

    def virtual_size(self, disk_format):
        if self.inspector is not None:
            return self.inspector.virtual_size
        if disk_format == 'raw':
            return self.size
        if disk_format == 'qcow2' and self.header[:4] == QCOW2_MAGIC \
                and len(self.header) >= 32:
            size = struct.unpack('>Q', self.header[24:32])[0]
            return size if size <= formats.VIRTUAL_SIZE_MAX else None
        return None

    def results(self, disk_format):
        md5, sha = self._digests.hexdigests()
        return {'size': self.size, 'checksum': md5,
                'os_hash_algo': HASH_ALGO, 'os_hash_value': sha,
                'virtual_size': self.virtual_size(disk_format)}
