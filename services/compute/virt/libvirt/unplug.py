"""Hot-unplug of a disk from a running guest, asked again while the guest
does not let go.

QEMU's unplug of a virtio disk on the ``pc`` machine is a request to the
guest (an ACPI hot-plug event) that the guest's kernel acknowledges.  A
request made before the kernel handles those events (the firmware or an
early boot: a guest started a moment ago, as after an unshelve) is lost,
and a guest that runs no OS never answers.  So, as nova's libvirt driver
does, the request is made up to ``[libvirt] device_detach_attempts`` times,
each followed by ``[libvirt] device_detach_timeout`` seconds of waiting for
the disk to leave the live definition; then the detach fails and the
volume stays attached (the caller records a fault).
"""

import time

from oslo_config import cfg
from oslo_log import log as logging

from services.compute import exception
from services.compute.virt.libvirt import domain

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

_DEVICE_MISSING = 99  # VIR_ERR_DEVICE_MISSING
_OPERATION_FAILED = 9  # VIR_ERR_OPERATION_FAILED
#: How often the live definition is read while waiting (seconds).
POLL = 0.5


def _code(exc):
    get_code = getattr(exc, 'get_error_code', None)
    return get_code() if get_code is not None else None


def _already_pending(exc):
    """QEMU refusing a repeat because the previous request is still open."""
    return _code(exc) == _OPERATION_FAILED and 'in the process of unplug' in str(exc)


def _gone_within(dom, target, seconds):
    deadline = time.monotonic() + seconds
    while True:
        if domain.find_disk(dom.XMLDesc(0), target) is None:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL)


def unplug_disk(dom, target, volume_id, run_native):
    """Take disk ``target`` out of the running guest ``dom``; raises
    VolumeDetachFailed when the guest kept it through every attempt.
    ``run_native`` runs a blocking libvirt call off the event loop."""
    attempts = CONF.libvirt.device_detach_attempts
    timeout = CONF.libvirt.device_detach_timeout
    started = time.monotonic()
    for attempt in range(1, attempts + 1):
        live = domain.find_disk(dom.XMLDesc(0), target)
        if live is None:
            return
        try:
            run_native(dom.detachDeviceFlags, live, 1)  # VIR_DOMAIN_AFFECT_LIVE
        except Exception as exc:
            if _code(exc) == _DEVICE_MISSING:
                return  # it went meanwhile
            if attempt == 1 and not _already_pending(exc):
                raise  # a refusal, not a guest that is slow to answer
            LOG.debug('Unplug request %d for %s of %s refused: %s', attempt, target,
                      dom.name(), exc)
        if _gone_within(dom, target, timeout):
            if attempt > 1:
                LOG.info('The guest %s released %s after %d requests (%.1f s)', dom.name(),
                         target, attempt, time.monotonic() - started)
            return
        LOG.warning('The guest %s did not release %s within %d s of request %d of %d%s',
                    dom.name(), target, timeout, attempt, attempts,
                    '; asking again' if attempt < attempts else '')
    raise exception.VolumeDetachFailed(
        volume_id=volume_id,
        reason='the guest did not release %s after %d requests in %d s' % (
            target, attempts, time.monotonic() - started))
