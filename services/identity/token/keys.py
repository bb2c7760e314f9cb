"""The fernet key repository on disk.

Layout as in keystone: one file per key named by an integer; ``0`` is the
staged key (the next primary, already accepted for validation so rotation
across several nodes is safe), the highest number is the primary key used
to encrypt, and the others are secondaries still accepted for decryption.
"""

import os
import stat
import time

from cryptography import fernet

from common import exception


class KeyRepositoryError(exception.AltoError):
    msg_fmt = 'Fernet key repository %(path)s is unusable: %(reason)s'
    safe = False


def _key_indexes(path):
    indexes = []
    for name in os.listdir(path):
        if name.isdigit() and os.path.isfile(os.path.join(path, name)):
            indexes.append(int(name))
    return sorted(indexes)


def _write_key(path, index):
    key = fernet.Fernet.generate_key()
    tmp = os.path.join(path, '.%d.tmp' % index)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, 'wb') as f:
        f.write(key)
    # rename is atomic: a validating process never reads half a key
    os.rename(tmp, os.path.join(path, str(index)))


def setup(path, max_active_keys):
    """Create the repository with a staged and a primary key; idempotent."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    if not _key_indexes(path):
        _write_key(path, 0)
        rotate(path, max_active_keys)
    return _key_indexes(path)


def rotate(path, max_active_keys):
    """Promote the staged key to primary, stage a new key, drop the oldest."""
    indexes = _key_indexes(path)
    if 0 not in indexes:
        raise KeyRepositoryError(path=path, reason='no staged key 0; run fernet-setup')
    primary = max(indexes) + 1
    os.rename(os.path.join(path, '0'), os.path.join(path, str(primary)))
    _write_key(path, 0)
    # keep the staged key, the new primary and the newest secondaries
    secondaries = sorted(i for i in _key_indexes(path) if i not in (0, primary))
    excess = len(secondaries) + 2 - max(max_active_keys, 2)
    for index in secondaries[:max(excess, 0)]:
        os.remove(os.path.join(path, str(index)))
    return _key_indexes(path)


def load(path):
    """Keys as bytes, primary first, then secondaries newest first, staged last."""
    try:
        indexes = _key_indexes(path)
    except OSError as exc:
        raise KeyRepositoryError(path=path, reason=exc.strerror)
    if not indexes or max(indexes) == 0:
        raise KeyRepositoryError(path=path, reason='no primary key; run fernet-setup')
    ordered = sorted((i for i in indexes if i != 0), reverse=True) + (
        [0] if 0 in indexes else [])
    keys = []
    for index in ordered:
        with open(os.path.join(path, str(index)), 'rb') as f:
            keys.append(f.read().strip())
    return keys


class KeyRing:
    """The MultiFernet of a repository, reloaded when the directory changes.

    The directory's mtime is looked at most every ``check_interval``
    seconds so validation does not pay a ``stat`` per request.
    """

    def __init__(self, path, check_interval=1.0):
        self.path = path
        self.check_interval = check_interval
        self._checked_at = 0.0
        self._mtime = None
        self._fernet = None

    def get(self):
        now = time.monotonic()
        if self._fernet is None or now - self._checked_at >= self.check_interval:
            self._checked_at = now
            try:
                mtime = os.stat(self.path).st_mtime_ns
            except OSError as exc:
                raise KeyRepositoryError(path=self.path, reason=exc.strerror)
            if mtime != self._mtime or self._fernet is None:
                self._fernet = fernet.MultiFernet(
                    [fernet.Fernet(k) for k in load(self.path)])
                self._mtime = mtime
        return self._fernet
