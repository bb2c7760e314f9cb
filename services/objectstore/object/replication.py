"""What replicas of a partition compare: suffix hashes and file listings.

A partition directory holds suffix directories (the last three hex digits
of the object hashes), each holding object directories.  A suffix's hash is
the md5 of its object directories' names and file names, so two replicas
holding the same versions of the same objects agree on it, and the files a
replica lacks are found by comparing one suffix, not the whole partition.

Hashes are computed on every request, not cached: a pass costs one
``listdir`` per object directory, and whatever changes the files (a write,
a file deleted by hand, the auditor's quarantine) shows in the next answer
with no invalidation to forget.

While it hashes, a replica tidies each object directory: files a newer one
makes obsolete go, and a tombstone older than ``reclaim_age`` is removed
with its directory (it has been replicated long enough).
"""

import hashlib
import json
import os
import re

from services.objectstore.object import diskfile

SUFFIX = re.compile(r'^[0-9a-f]{3}$')
NAME_HASH = re.compile(r'^[0-9a-f]{32}$')
FILE_NAME = re.compile(r'^\d{10}\.\d{5}\.(data|meta|ts)$')
DECISIVE = ('.data', '.ts')


class BadName(ValueError):
    pass


def part_dir(device_path, part):
    return os.path.join(device_path, 'objects', str(part))


def _listdir(path):
    try:
        return sorted(os.listdir(path))
    except (FileNotFoundError, NotADirectoryError):
        return []


def _rmdir(path):
    try:
        os.rmdir(path)
    except OSError:
        pass   # not empty (a write arrived), or already gone


def tidy(device_path, part, name_hash, reclaim_before):
    """Clean one object directory; returns the file names left."""
    disk = diskfile.DiskFile(device_path, part, name_hash, fsync=False)
    disk.cleanup()
    files = sorted(n for n in disk._files() if FILE_NAME.match(n))
    decisive = [n for n in files if n.endswith(DECISIVE)]
    if decisive and max(decisive).endswith('.ts') and \
            max(decisive).rpartition('.')[0] < reclaim_before:
        for name in files:
            try:
                os.unlink(os.path.join(disk.dir, name))
            except FileNotFoundError:
                pass
        _rmdir(disk.dir)
        return []
    if not files:
        _rmdir(disk.dir)
    return files


def suffix_listing(device_path, part, suffix, reclaim_before):
    """``{name_hash: [file names]}`` of one suffix directory."""
    base = os.path.join(part_dir(device_path, part), suffix)
    listing = {}
    for name_hash in _listdir(base):
        if not NAME_HASH.match(name_hash):
            continue
        files = tidy(device_path, part, name_hash, reclaim_before)
        if files:
            listing[name_hash] = files
    if not listing:
        _rmdir(base)
    return listing


def listing_hash(listing):
    digest = hashlib.md5(usedforsecurity=False)
    for name_hash in sorted(listing):
        digest.update(('%s:%s;' % (name_hash, ','.join(listing[name_hash]))).encode())
    return digest.hexdigest()


def suffix_hashes(device_path, part, reclaim_before):
    """``{suffix: hash}`` of a partition (suffixes holding nothing left out)."""
    hashes = {}
    for suffix in _listdir(part_dir(device_path, part)):
        if not SUFFIX.match(suffix):
            continue
        listing = suffix_listing(device_path, part, suffix, reclaim_before)
        if listing:
            hashes[suffix] = listing_hash(listing)
    return hashes


def _newest_decisive(files):
    decisive = [n.rpartition('.')[0] for n in files if n.endswith(DECISIVE)]
    return max(decisive) if decisive else ''


def files_to_push(local, remote):
    """``[(name_hash, file name)]`` of a suffix that the remote replica lacks
    and does not already supersede (``local``/``remote``: suffix listings)."""
    wanted = []
    for name_hash, files in sorted(local.items()):
        theirs = set(remote.get(name_hash, ()))
        newest = _newest_decisive(theirs)
        for name in files:
            if name not in theirs and name.rpartition('.')[0] > newest:
                wanted.append((name_hash, name))
    return wanted


def check_file_path(suffix, name_hash, file_name):
    """Raise BadName unless the three names are what a replica may send."""
    if not (SUFFIX.match(suffix or '') and NAME_HASH.match(name_hash or '')
            and name_hash.endswith(suffix) and FILE_NAME.match(file_name or '')):
        raise BadName('expected <suffix>/<hash>/<timestamp>.data|.meta|.ts')


#: longest frame line of a SYNC body (names, size and an expiry entry)
MAX_FRAME_LINE = 8192


def frame_line(path, size, entry=None):
    """The line that announces a file in a SYNC body (ASCII: ``entry`` is
    JSON with its non-ASCII escaped)."""
    return ('%s %d %s\n' % (path, size, json.dumps(entry) if entry else '-')).encode('ascii')


def parse_frame_line(line):
    """``(path, size, entry JSON or None)``; raises BadName."""
    try:
        path, size, entry = line.decode('ascii').rstrip('\n').split(' ', 2)
        size = int(size)
    except ValueError:
        raise BadName('bad SYNC frame line')
    if not line.endswith(b'\n') or size < 0 or path.count('/') != 2:
        raise BadName('bad SYNC frame line')
    check_file_path(*path.split('/'))
    return path, size, (None if entry == '-' else entry)


def read_exactly(stream, size):
    """``size`` bytes of ``stream`` in chunks; raises BadName when it ends
    first."""
    left = size
    while left > 0:
        chunk = stream.read(min(diskfile.CHUNK, left))
        if not chunk:
            raise BadName('the SYNC body ended inside a file')
        left -= len(chunk)
        yield chunk
