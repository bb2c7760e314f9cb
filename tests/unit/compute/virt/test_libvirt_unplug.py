"""The unplug of a disk from a running guest, asked again while the guest
does not let go (services/compute/virt/libvirt/unplug.py), against a
scripted domain: how many requests, when it gives up, which libvirt
errors end it and which are waited out."""

import pytest
from oslo_config import cfg

from services.compute import conf as compute_conf
from services.compute import exception
from services.compute.virt.libvirt import unplug

DISK = ("<disk type='file' device='disk'><source file='/v'/>"
        "<target dev='vdb' bus='virtio'/></disk>")


class LibvirtError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code

    def get_error_code(self):
        return self.code


class Guest:
    """A domain whose guest releases vdb on request number ``listens_from``
    (never when None); ``refuse`` maps a request number to the error
    libvirt raises for it."""

    def __init__(self, listens_from=None, refuse=None):
        self.listens_from = listens_from
        self.refuse = refuse or {}
        self.requests = 0
        self.has_disk = True

    def name(self):
        return 'alto-guest'

    def XMLDesc(self, flags):
        return '<domain><devices>%s</devices></domain>' % (DISK if self.has_disk else '')

    def detachDeviceFlags(self, xml, flags):
        assert flags == 1 and 'vdb' in xml
        self.requests += 1
        if self.requests in self.refuse:
            raise self.refuse[self.requests]
        if self.listens_from is not None and self.requests >= self.listens_from:
            self.has_disk = False


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    compute_conf.register_opts(cfg.CONF, with_clients=False)
    monkeypatch.setattr(unplug, 'POLL', 0.001)
    cfg.CONF.set_override('device_detach_timeout', 1, 'libvirt')
    cfg.CONF.set_override('device_detach_attempts', 3, 'libvirt')
    yield
    cfg.CONF.clear_override('device_detach_timeout', 'libvirt')
    cfg.CONF.clear_override('device_detach_attempts', 'libvirt')


def _run_native(func, *args):
    return func(*args)


def test_a_guest_that_answers_at_once_is_asked_once():
    guest = Guest(listens_from=1)
    unplug.unplug_disk(guest, 'vdb', 'vol', _run_native)
    assert guest.requests == 1 and not guest.has_disk


def test_a_booting_guest_that_missed_requests_is_asked_again():
    guest = Guest(listens_from=3)
    unplug.unplug_disk(guest, 'vdb', 'vol', _run_native)
    assert guest.requests == 3 and not guest.has_disk


def test_a_guest_that_never_answers_fails_after_the_last_attempt():
    guest = Guest(listens_from=None)
    with pytest.raises(exception.VolumeDetachFailed) as failed:
        unplug.unplug_disk(guest, 'vdb', 'vol', _run_native)
    assert guest.requests == 3 and guest.has_disk
    assert 'did not release vdb after 3 requests' in str(failed.value)


def test_a_repeat_refused_while_one_is_pending_is_waited_out():
    pending = LibvirtError(unplug._OPERATION_FAILED,
                           'device vdb is already in the process of unplug')
    guest = Guest(listens_from=3, refuse={2: pending})
    unplug.unplug_disk(guest, 'vdb', 'vol', _run_native)
    assert guest.requests == 3 and not guest.has_disk


def test_a_disk_gone_meanwhile_is_a_success():
    guest = Guest(refuse={1: LibvirtError(unplug._DEVICE_MISSING, 'no disk vdb')})
    unplug.unplug_disk(guest, 'vdb', 'vol', _run_native)
    assert guest.requests == 1


def test_a_first_request_libvirt_refuses_is_raised_at_once():
    guest = Guest(refuse={1: LibvirtError(1, 'internal error')})
    with pytest.raises(LibvirtError):
        unplug.unplug_disk(guest, 'vdb', 'vol', _run_native)
    assert guest.requests == 1


def test_a_disk_not_there_needs_no_request():
    guest = Guest()
    guest.has_disk = False
    unplug.unplug_disk(guest, 'vdb', 'vol', _run_native)
    assert guest.requests == 0
