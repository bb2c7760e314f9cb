"""Guest NICs on an Open vSwitch bridge, beyond what libvirt does itself.

libvirt adds a guest's ``<interface type='bridge'><virtualport
type='openvswitch'>`` to the bridge when QEMU starts (with
``external_ids:iface-id`` = the port id and ``vm-id`` = the domain uuid,
which is how the network service's Open vSwitch agent finds and wires it)
and removes it when the domain stops. A guest that died with its QEMU, or a
host restart, can leave the OVS port behind; :func:`unplug_ovs` removes
those of one guest.
"""

import subprocess

from oslo_log import log as logging

LOG = logging.getLogger(__name__)


def _run(argv):
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    return proc.returncode, proc.stdout


def unplug_ovs(instance_uuid, port_ids, run=_run):
    """Delete the OVS ports left for ``port_ids`` of the guest ``instance_uuid``."""
    for port_id in port_ids:
        rc, out = run(['ovs-vsctl', '--timeout=10', '--bare', '--columns=name', 'find',
                       'Interface', 'external_ids:iface-id=%s' % port_id,
                       'external_ids:vm-id=%s' % instance_uuid])
        if rc:
            # e.g. a compute daemon without access to the OVSDB socket: libvirt
            # still removes the ports of the guests it stops.
            LOG.info('Cannot look up OVS ports (ovs-vsctl failed); left to libvirt')
            return
        for name in out.split():
            LOG.info('Removing OVS port %s left by %s', name, instance_uuid)
            run(['ovs-vsctl', '--timeout=10', '--if-exists', 'del-port', name])
