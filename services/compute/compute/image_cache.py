"""The compute host's image cache, ``<state_path>/instances/_base``: one
file per image (named by its id), fetched once and shared by the guests of
the host; kernel and ramdisk images of a direct kernel boot too.

Every use of a cached file sets its modification time, so a file's age is
the time since a build, rebuild, rescue or resize last used it. libvirt may
hand a backing file to root when a guest using it stops (where it cannot
remember the owner): such a file is fetched again once unreadable, and this
process remembers its own uses where a file's time cannot be set. A periodic
task removes the files no guest of the host uses (the virt driver says which
it uses, including what a resize keeps for a revert) once they are older
than ``[compute] remove_unused_original_minimum_age_seconds``.
"""

import os
import time

from oslo_concurrency import lockutils
from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import uuidutils

from services.compute import clients
from services.compute import exception

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


# Image id -> when this process last used its cached file.
_last_used = {}


def base_dir():
    return os.path.join(CONF.state_path, 'instances', '_base')


def _lock(host, image_id):
    return lockutils.lock('%s-image-%s' % (host, image_id))


def fetch(context, host, image_id):
    """Path of the host's cached copy of an image, downloaded once."""
    if not image_id:
        return None
    if not uuidutils.is_uuid_like(image_id):
        # The ID names a file here: never a path.
        raise exception.ImageNotFound(image_id=image_id)
    path = os.path.join(base_dir(), image_id)
    with _lock(host, image_id):
        if os.path.exists(path) and not os.access(path, os.R_OK):
            # libvirt gave it to root when a guest using it stopped: fetched
            # again; a guest running on it keeps the file it has open.
            LOG.info('Cached image %s is no longer readable; fetching it again', image_id)
            os.remove(path)
        if os.path.exists(path):
            _mark_used(path)
        else:
            os.makedirs(base_dir(), exist_ok=True)
            tmp = path + '.part'
            clients.image_client().download(context, image_id, tmp)
            os.replace(tmp, path)
        _last_used[image_id] = time.time()
    return path


def _mark_used(path):
    """Used now: not removed as unused for a while."""
    try:
        os.utime(path)
    except PermissionError:
        LOG.debug('%s is not ours to touch; its use is remembered in memory', path)


def prune(host, in_use, now=None):
    """Remove cached images not in ``in_use`` (paths) that were last used
    longer than the minimum age ago; returns the removed paths. ``in_use``
    None (a driver that cannot tell) removes nothing."""
    if in_use is None or not os.path.isdir(base_dir()):
        return []
    now = time.time() if now is None else now
    keep = {os.path.realpath(p) for p in in_use}
    minimum = CONF.compute.remove_unused_original_minimum_age_seconds
    removed = []
    for name in sorted(os.listdir(base_dir())):
        path = os.path.join(base_dir(), name)
        if name.endswith('.part') or not uuidutils.is_uuid_like(name):
            continue  # a download in progress, or not a file of this cache
        with _lock(host, name):
            if os.path.realpath(path) in keep or not os.path.isfile(path):
                continue
            age = now - max(os.stat(path).st_mtime, _last_used.get(name, 0))
            if age < minimum:
                continue
            os.remove(path)
            _last_used.pop(name, None)
        LOG.info('Removed cached image %s, unused for %d s', name, age)
        removed.append(path)
    return removed
