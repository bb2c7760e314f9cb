"""The compute host's image cache: files used now get younger, unused old
ones are pruned, what guests use (a resize's kept disks too) stays."""

import os
import time
import types
import uuid

import pytest
from oslo_config import cfg

from services.compute import exception
from services.compute.compute import image_cache
from services.compute.virt import fake

CONF = cfg.CONF
DAY = 86400


@pytest.fixture
def state(conf, tmp_path):
    base = tmp_path / 'instances' / '_base'
    base.mkdir(parents=True)
    return base


def _cached(base, age, name=None):
    path = base / (name or str(uuid.uuid4()))
    path.write_bytes(b'x')
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_prune_removes_only_old_unused_images(state):
    used_old = _cached(state, 2 * DAY)
    unused_old = _cached(state, 2 * DAY)
    unused_new = _cached(state, 60)
    partial = _cached(state, 2 * DAY, name=str(uuid.uuid4()) + '.part')
    foreign = _cached(state, 2 * DAY, name='notes.txt')
    removed = image_cache.prune('h1', {str(used_old)})
    assert removed == [str(unused_old)]
    assert used_old.exists() and unused_new.exists() and partial.exists() and foreign.exists()
    # A driver that cannot tell what it uses: nothing goes.
    assert image_cache.prune('h1', None) == []
    CONF.set_override('remove_unused_original_minimum_age_seconds', 30, group='compute')
    assert image_cache.prune('h1', {str(used_old)}) == [str(unused_new)]


def test_fetch_makes_a_cached_image_young_again(state):
    path = _cached(state, 2 * DAY)
    assert image_cache.fetch(None, 'h1', path.name) == str(path)
    assert time.time() - path.stat().st_mtime < 60
    assert image_cache.prune('h1', set()) == []
    with pytest.raises(exception.ImageNotFound):
        image_cache.fetch(None, 'h1', '../etc/passwd')


def test_fake_driver_reports_the_files_its_guests_run_from(state):
    drv = fake.FakeDriver()
    drv.init_host('h1')
    image, kernel = _cached(state, 2 * DAY), _cached(state, 2 * DAY)
    instance = types.SimpleNamespace(uuid=str(uuid.uuid4()), display_name='vm',
                                     hostname='vm')
    drv.spawn(None, instance, {'id': image.name, 'kernel_path': str(kernel)}, str(image), [],
              {'vcpus': 1, 'memory_mb': 64})
    assert drv.base_files_in_use() == {str(image), str(kernel)}
    drv.destroy(None, instance, [])
    assert drv.base_files_in_use() == set()


def test_a_cached_image_libvirt_gave_to_root_is_still_served_and_kept_while_used(
        state, monkeypatch):
    path = _cached(state, 2 * DAY)

    def not_ours(target, *args, **kwargs):
        raise PermissionError(1, 'Operation not permitted', str(target))

    monkeypatch.setattr(image_cache.os, 'utime', not_ours)
    assert image_cache.fetch(None, 'h1', path.name) == str(path)
    assert time.time() - path.stat().st_mtime > DAY  # unchanged on disk
    assert image_cache.prune('h1', set()) == []  # its use is remembered
    assert image_cache.prune('h1', set(), now=time.time() + 2 * DAY) == [str(path)]


def test_a_cached_image_that_became_unreadable_is_fetched_again(state, monkeypatch):
    path = _cached(state, 60)
    downloads = []

    class Images:
        def download(self, context, image_id, target):
            downloads.append(image_id)
            with open(target, 'wb') as f:
                f.write(b'fresh')

    monkeypatch.setattr(image_cache.clients, 'image_client', Images)
    monkeypatch.setattr(image_cache.os, 'access', lambda p, mode: p != str(path))
    assert image_cache.fetch(None, 'h1', path.name) == str(path)
    assert downloads == [path.name] and path.read_bytes() == b'fresh'


def test_ten_concurrent_builds_of_one_image_download_it_once(state, monkeypatch):
    import threading
    downloads = []

    class SlowImageClient:
        def download(self, context, image_id, dest):
            downloads.append(image_id)
            time.sleep(0.05)  # long enough for every other build to be waiting
            with open(dest, 'wb') as f:
                f.write(b'disk')

    monkeypatch.setattr(image_cache.clients, 'image_client', SlowImageClient)
    image_id = str(uuid.uuid4())
    paths = []
    builds = [threading.Thread(target=lambda: paths.append(image_cache.fetch(None, 'h1', image_id)))
              for _ in range(10)]
    for build in builds:
        build.start()
    for build in builds:
        build.join()
    assert downloads == [image_id]
    assert paths == [str(state / image_id)] * 10
    assert (state / image_id).read_bytes() == b'disk'
