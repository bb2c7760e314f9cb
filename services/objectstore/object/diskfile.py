"""Objects on a device: one directory per object name, files named by timestamp.

``<device>/objects/<part>/<hash[-3:]>/<hash>/``:

* ``<ts>.data`` — the body, then the metadata as JSON, then the JSON's
  length as 8 bytes big-endian (a footer, so the ETag computed while the
  body streams in is written with it and the file appears whole, by rename);
* ``<ts>.meta`` — metadata set by a POST after the data was written;
* ``<ts>.ts`` — a tombstone: the object was deleted at ``ts``.

The newest ``.data`` or ``.ts`` says what the object is (newest wins);
older files are removed once a newer one is in place.

Flushes to disk (``fsync``) go through ``offload``: the object server passes
a function that runs them in a native thread, so one request waiting on the
disk does not stall every other request the process serves.  A long body is
also flushed every ``bytes_per_sync`` bytes as it streams in, so the flush
before the answer is short and a slow disk slows the sender down (TCP
back-pressure) instead of piling gigabytes of dirty pages for the end.

A body longer than ``keep_cache_size`` leaves the page cache as it is
flushed (``POSIX_FADV_DONTNEED`` on the flushed range), as Swift's object
server does: large uploads then write into the few pages the last flush let
go of instead of taking fresh ones.  Copying into fresh page cache pages cost
2.5x the kernel time of reused ones on the development VM (1.2-1.4 against
0.5 ms per MiB), a quarter of the object server's CPU during 64 MiB PUTs,
and a large body kept in the cache only pushes out what is read more often.
"""

import hashlib
import json
import os
import struct
import tempfile
import uuid

from oslo_log import log as logging

from services.objectstore.common import devices

LOG = logging.getLogger(__name__)
FOOTER = struct.Struct('>Q')
CHUNK = 65536
#: what the object server reads of an upload at a time
UPLOAD_CHUNK = 256 * 1024
#: body bytes gathered before one write to the file
WRITE_BATCH = 1024 * 1024


class DiskFileError(Exception):
    pass


def quarantine(device_path, kind, directory):
    """Move ``directory`` to ``<device>/quarantined/<kind>/`` (kept for the
    operator); returns where it went, or None when it was gone already."""
    target = os.path.join(device_path, 'quarantined', kind)
    devices.makedirs(device_path, target)
    dest = os.path.join(target, '%s-%s' % (os.path.basename(directory), uuid.uuid4().hex[:8]))
    try:
        os.rename(directory, dest)
    except FileNotFoundError:
        return None
    LOG.warning('Quarantined %s to %s', directory, dest)
    return dest


class ObjectState:
    """What a directory holds: ``kind`` is ``data``, ``tombstone`` or None."""

    def __init__(self, kind=None, timestamp=None, metadata=None, data_path=None,
                 body_length=0):
        self.kind = kind
        self.timestamp = timestamp
        self.metadata = metadata or {}
        self.data_path = data_path
        self.body_length = body_length


def _read_footer(path):
    with open(path, 'rb') as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        if size < FOOTER.size:
            raise DiskFileError('%s is truncated' % path)
        f.seek(size - FOOTER.size)
        (meta_len,) = FOOTER.unpack(f.read(FOOTER.size))
        body_length = size - FOOTER.size - meta_len
        if body_length < 0:
            raise DiskFileError('%s has a bad footer' % path)
        f.seek(body_length)
        return json.loads(f.read(meta_len).decode('utf-8')), body_length


def file_metadata(path):
    """The metadata a ``.data`` (its footer) or ``.meta`` file holds ({} for
    a tombstone); raises OSError or ValueError when unreadable."""
    if path.endswith('.data'):
        return _read_footer(path)[0]
    if path.endswith('.meta'):
        with open(path) as f:
            return json.load(f)
    return {}


def verify(path):
    """Read a ``.data`` file whole; raise DiskFileError when its body does
    not match the ETag and length its footer records.  Returns the metadata."""
    try:
        metadata, body_length = _read_footer(path)
    except (ValueError, AttributeError) as exc:   # the footer's JSON is broken
        raise DiskFileError('%s: unreadable metadata: %s' % (path, exc))
    if not isinstance(metadata, dict):
        raise DiskFileError('%s: unreadable metadata' % path)
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, 'rb') as f:
        left = body_length
        while left > 0:
            chunk = f.read(min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            digest.update(chunk)
    if left or str(body_length) != str(metadata.get('Content-Length')):
        raise DiskFileError('%s: body length does not match its metadata' % path)
    if digest.hexdigest() != metadata.get('ETag'):
        raise DiskFileError('%s: body does not match its ETag' % path)
    return metadata


def _direct(func, *args):
    return func(*args)


class _Done:
    """A task run where it was started (no concurrency: tools and tests)."""

    def __init__(self, result):
        self._result = result

    def wait(self):
        return self._result

    @classmethod
    def run(cls, func, *args):
        return cls(func(*args))


def _write_out(fd, data, sync=None, drop=None):
    """Write all of ``data``; then flush the file's data (``sync='data'``) or
    data and inode (``'all'``), and then take the flushed range ``drop``
    (``(offset, length)``, length 0: to the end) out of the page cache."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    if sync == 'data':
        os.fdatasync(fd)
    elif sync == 'all':
        os.fsync(fd)
    if sync and drop is not None:
        # (only clean pages go: hence after the flush)
        os.posix_fadvise(fd, drop[0], drop[1], os.POSIX_FADV_DONTNEED)


def _hash(chunks, digest):
    """md5 lets go of the interpreter lock on large buffers: in a native
    thread, hashing overlaps the serving loop and the writes."""
    for chunk in chunks:
        digest.update(chunk)


def _write_batch(fd, chunks, sync=None, drop=None):
    _write_out(fd, b''.join(chunks), sync, drop)


def _write_last(fd, chunks, digest, footer_of, expected_etag, sync, drop=None):
    """Hash and write the body's last batch, then its footer (``footer_of(etag)``
    gives the bytes) and flush; returns the ETag.  DiskFileError('etag') when
    ``expected_etag`` does not match (nothing of the footer written)."""
    for chunk in chunks:
        digest.update(chunk)
    etag = digest.hexdigest()
    if expected_etag and expected_etag.strip('"').lower() != etag:
        raise DiskFileError('etag')
    _write_out(fd, b''.join(list(chunks) + [footer_of(etag)]), sync, drop)
    return etag


class DiskFile:

    def __init__(self, device_path, part, name_hash, fsync=True, offload=_direct,
                 bytes_per_sync=0, spawn=_Done.run, keep_cache_size=None):
        """``offload(func, *args)`` runs a blocking flush (default: here);
        ``spawn(func, *args)`` starts a concurrent task with a ``wait()``
        (default: runs it here); ``bytes_per_sync``: flush a body as it is
        written every that many bytes (0: only once, at the end);
        ``keep_cache_size``: a body longer than that leaves the page cache
        as it is flushed (None: every body stays)."""
        self.device_path = device_path
        self.dir = os.path.join(device_path, 'objects', str(part), name_hash[-3:], name_hash)
        self.tmp_dir = os.path.join(device_path, 'tmp')
        self.fsync = fsync
        self.offload = offload
        self.bytes_per_sync = bytes_per_sync
        self.spawn = spawn
        self.keep_cache_size = keep_cache_size

    def _drop(self, size, start=0, end=0):
        """The range ``[start, end)`` of a body ``size`` bytes long so far to
        take out of the page cache once it is flushed (``end`` 0: to the end
        of the file), or None when the body stays (never flushed, or not
        past ``keep_cache_size``)."""
        if not self.fsync or self.keep_cache_size is None or size <= self.keep_cache_size:
            return None
        return (start, end - start if end else 0)

    def _files(self):
        try:
            return os.listdir(self.dir)
        except FileNotFoundError:
            return []

    def state(self):
        """What the directory holds.  A newest ``.data`` whose footer (or a
        newer ``.meta``) does not read as metadata is quarantined, with its
        directory, and the object is then missing here (a 404, so the proxy
        asks another replica, and replication puts a good copy back)."""
        for attempt in (1, 2):
            try:
                return self._state()
            except FileNotFoundError:
                # a file went between the listing and the read (a newer
                # write or a cleanup): read again
                if attempt == 1:
                    continue
                return ObjectState()
            except (DiskFileError, ValueError, OSError) as exc:
                LOG.warning('Object %s has unreadable metadata: %s', self.dir, exc)
                quarantine(self.device_path, 'objects', self.dir)
                return ObjectState()

    def _state(self):
        newest = None           # (timestamp, ext)
        newest_meta = None
        for name in self._files():
            ts, _, ext = name.rpartition('.')
            if ext in ('data', 'ts') and (newest is None or ts > newest[0]):
                newest = (ts, ext)
            elif ext == 'meta' and (newest_meta is None or ts > newest_meta):
                newest_meta = ts
        if newest is None:
            return ObjectState()
        ts, ext = newest
        path = os.path.join(self.dir, '%s.%s' % newest)
        if ext == 'ts':
            return ObjectState('tombstone', ts)
        metadata, body_length = _read_footer(path)
        if not isinstance(metadata, dict) or 'ETag' not in metadata:
            raise DiskFileError('%s: the footer is not object metadata' % path)
        if newest_meta and newest_meta > ts:
            with open(os.path.join(self.dir, newest_meta + '.meta')) as f:
                posted = json.load(f)
            if not isinstance(posted, dict):
                raise DiskFileError('%s.meta is not object metadata' % newest_meta)
            # a POST replaces the user metadata and content type, not the data's facts
            metadata = {k: v for k, v in metadata.items()
                        if not k.lower().startswith('x-object-meta-')
                        and k.lower() != 'x-delete-at'}
            metadata.update(posted)
        return ObjectState('data', ts, metadata, path, body_length)

    def _tmp(self):
        devices.makedirs(self.device_path, self.tmp_dir)
        return tempfile.mkstemp(dir=self.tmp_dir)

    def _place(self, tmp, name):
        for attempt in (1, 2):
            devices.makedirs(self.device_path, self.dir)
            try:
                os.replace(tmp, os.path.join(self.dir, name))
                return
            except FileNotFoundError:
                # a replicator tidying an empty directory removed it meanwhile
                if attempt == 2 or not os.path.exists(tmp):
                    raise

    def place_file(self, name, chunks):
        """Put a file another replica holds (``<ts>.data|.meta|.ts``) in
        place as it is; a ``.data`` whose body does not match its ETag is
        refused (DiskFileError).  Returns False when a newer file already
        makes it obsolete."""
        fd, tmp = self._tmp()
        try:
            with os.fdopen(fd, 'wb') as f:
                for chunk in chunks:
                    f.write(chunk)
                f.flush()
                if self.fsync:
                    self.offload(os.fsync, f.fileno())
            if name.endswith('.data'):
                verify(tmp)
            self._place(tmp, name)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        self.cleanup()
        return os.path.exists(os.path.join(self.dir, name))

    def write(self, chunks, metadata, timestamp, expected_etag=None, max_size=None):
        """Write the body from ``chunks``; returns ``(etag, size)``.

        Raises DiskFileError('etag') when ``expected_etag`` does not match.
        """
        digest = hashlib.md5(usedforsecurity=False)
        size = synced = 0
        every = self.bytes_per_sync if self.fsync else 0
        pending, pending_size = [], 0
        # the batch being hashed and written while the next one is read off the network
        hashing = writing = None
        # the temporary file, made when the first batch is written: a body
        # shorter than a batch is written, flushed and put in place in one
        # trip out of the serving loop (each trip costs a wake-up of a
        # native thread and of the loop, more than a small body's write)
        fd = tmp = None

        def footer_of(etag):
            meta = json.dumps(dict(metadata, ETag=etag, **{
                'Content-Length': str(size), 'X-Timestamp': timestamp})).encode('utf-8')
            return meta + FOOTER.pack(len(meta))

        try:
            try:
                for chunk in chunks:
                    size += len(chunk)
                    if max_size is not None and size > max_size:
                        raise DiskFileError('too large')
                    pending.append(chunk)
                    pending_size += len(chunk)
                    if pending_size >= WRITE_BATCH:
                        if fd is None:
                            # creating and renaming files wait on the
                            # filesystem's journal while other writers
                            # flush: out of the serving loop, as the writes are
                            fd, tmp = self.offload(self._tmp)
                        # hashed and written out of the serving loop (the write
                        # may wait on the disk: dirty page throttling), while
                        # the next batch is read (one at a time, in order)
                        # (hash and write side by side, each in order)
                        sync = bool(every) and size - synced >= every
                        drop = self._drop(size, synced, size) if sync else None
                        if hashing is not None:
                            hashing.wait()
                        hashing = self.spawn(self.offload, _hash, pending, digest)
                        if writing is not None:
                            writing.wait()
                        writing = self.spawn(self.offload, _write_batch, fd, pending,
                                             sync and 'data', drop)
                        pending, pending_size = [], 0
                        synced = size if sync else synced
                if fd is None:
                    return self.offload(self._write_whole, pending, digest, footer_of,
                                        expected_etag, timestamp + '.data', self._drop(size)), size
                if hashing is not None:
                    hashing.wait()
                    hashing = None
                if writing is not None:
                    writing.wait()
                    writing = None
                # the rest of the body, the footer and the flush: one trip
                drop = self._drop(size)
                etag = self.offload(_write_last, fd, pending, digest, footer_of,
                                    expected_etag, self.fsync and 'all', drop)
            finally:
                if hashing is not None:
                    hashing.wait()
                if writing is not None:
                    # failed mid-body: the batch in flight still owns the file
                    try:
                        writing.wait()
                    except OSError:
                        pass
                if fd is not None:
                    os.close(fd)
            self.offload(self._place_and_clean, tmp, timestamp + '.data')
        except BaseException:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return etag, size

    def _write_whole(self, chunks, digest, footer_of, expected_etag, name, drop):
        """A whole body (one batch) into a new file, flushed, put in place;
        returns the ETag."""
        fd, tmp = self._tmp()
        try:
            try:
                etag = _write_last(fd, chunks, digest, footer_of, expected_etag,
                                   self.fsync and 'all', drop)
            finally:
                os.close(fd)
            self._place_and_clean(tmp, name)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return etag

    def _place_and_clean(self, tmp, name):
        self._place(tmp, name)
        self.cleanup()

    def write_meta(self, metadata, timestamp):
        fd, tmp = self._tmp()
        with os.fdopen(fd, 'w') as f:
            json.dump(metadata, f)
        self._place(tmp, timestamp + '.meta')
        self.cleanup()

    def write_tombstone(self, timestamp):
        fd, tmp = self._tmp()
        with os.fdopen(fd, 'w') as f:
            json.dump({'X-Timestamp': timestamp}, f)
        self._place(tmp, timestamp + '.ts')
        self.cleanup()

    def cleanup(self):
        """Remove what the newest data or tombstone makes obsolete."""
        files = self._files()
        decisive = [n.rpartition('.')[0] for n in files if n.endswith(('.data', '.ts'))]
        if not decisive:
            return
        newest = max(decisive)
        metas = sorted(n for n in files if n.endswith('.meta'))
        keep_meta = metas[-1] if metas and metas[-1].rpartition('.')[0] > newest else None
        for name in files:
            ts = name.rpartition('.')[0]
            if (ts < newest) or (name.endswith('.meta') and name != keep_meta):
                try:
                    os.unlink(os.path.join(self.dir, name))
                except FileNotFoundError:
                    pass

    def reader(self, state, start=0, stop=None):
        """The body (bytes ``start`` to ``stop``) in chunks."""
        stop = state.body_length if stop is None else min(stop, state.body_length)
        with open(state.data_path, 'rb') as f:
            f.seek(start)
            left = stop - start
            while left > 0:
                chunk = f.read(min(CHUNK, left))
                if not chunk:
                    break
                left -= len(chunk)
                yield chunk
