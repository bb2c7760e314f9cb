"""Trunks (``trunk``): a parent port that carries subports, each on a VLAN.

Rules, as neutron has them:

* a port is the parent of one trunk at most, and is then no subport; a
  service port (router, DHCP, floating IP) is never a parent;
* a subport is a port of the caller's (admin: any) project that is no trunk's
  parent, no other trunk's subport and attached to nothing; it takes
  ``segmentation_type`` ``vlan`` with a ``segmentation_id`` 1-4094 unique on
  the trunk, or ``inherit``, which takes the VLAN of the subport's network;
* a disabled trunk (``admin_state_up`` false) takes no subport changes and
  cannot be deleted, and a trunk whose parent port is bound to an instance
  cannot be deleted; the ports of a trunk cannot be deleted while on it.

The status follows the parent port: ``ACTIVE`` once it is, else ``DOWN``
(the OVS agent wires subports with the parent's VIF; no separate state).
"""

from oslo_utils import uuidutils

from services.network import exception
from services.network.conductor import ports
from services.network.conductor import queries
from services.network.db import models

SEGMENTATION_TYPES = ('vlan', 'inherit')
VLAN_MIN, VLAN_MAX = 1, 4094
SUBPORT_OWNER = 'trunk:subport'
COLUMNS = queries.standard_columns(models.Trunk, 'admin_state_up', 'port_id')


def subport_dict(sub):
    return {'port_id': sub.port_id, 'segmentation_type': sub.segmentation_type,
            'segmentation_id': sub.segmentation_id}


def make_dict(trunk):
    result = queries.standard_dict(trunk)
    parent_up = trunk.port is not None and trunk.port.status == 'ACTIVE'
    result.update({'name': trunk.name, 'admin_state_up': trunk.admin_state_up,
                   'port_id': trunk.port_id,
                   'status': 'ACTIVE' if parent_up and trunk.admin_state_up else 'DOWN',
                   'sub_ports': [subport_dict(s) for s in trunk.sub_ports]})
    return result


TRUNKS = queries.Visible(models.Trunk, lambda i: exception.TrunkNotFound(trunk_id=i),
                         make_dict, COLUMNS)


def _trunk_of_parent(session, port_id):
    return session.query(models.Trunk).filter_by(port_id=port_id).first()


def _subport_row(session, port_id):
    return session.get(models.TrunkSubport, port_id)


def _check_parent(context, session, port_id):
    port = ports.PORTS.get_row(context, session, port_id)
    trunk = _trunk_of_parent(session, port.id)
    if trunk is not None:
        raise exception.TrunkPortInUse(port_id=port.id)
    sub = _subport_row(session, port.id)
    if sub is not None:
        raise exception.PortInUseAsSubPort(port_id=port.id, trunk_id=sub.trunk_id)
    if (port.device_owner or '').startswith('network:'):
        raise exception.ParentPortInUse(port_id=port.id)
    return port


def _inherited_vlan(session, port):
    net = session.get(models.Network, port.network_id)
    segment = net.segments[0] if net is not None and net.segments else None
    if segment is None or segment.network_type != 'vlan':
        raise exception.InvalidInput(
            error_message='Subport %s cannot inherit a segmentation: its network %s is not '
                          'a VLAN network' % (port.id, port.network_id))
    return segment.segmentation_id


def _new_subports(context, session, trunk, requested):
    """Validate ``requested`` (the API's ``sub_ports``) against ``trunk``;
    returns the rows to add."""
    if not isinstance(requested, list):
        raise exception.InvalidInput(error_message='sub_ports must be a list')
    taken = {(s.segmentation_type, s.segmentation_id) for s in trunk.sub_ports}
    seen_ports, rows = set(), []
    for item in requested:
        if not isinstance(item, dict) or not item.get('port_id'):
            raise exception.InvalidInput(error_message='A subport needs a port_id')
        port_id = item['port_id']
        kind = item.get('segmentation_type')
        seg_id = item.get('segmentation_id')
        if kind is None:
            raise exception.InvalidInput(
                error_message='Subport %s needs a segmentation_type (%s)'
                % (port_id, ', '.join(SEGMENTATION_TYPES)))
        if kind not in SEGMENTATION_TYPES:
            raise exception.InvalidInput(error_message='Unknown segmentation_type %s; '
                                         'expected one of %s'
                                         % (kind, ', '.join(SEGMENTATION_TYPES)))
        if port_id == trunk.port_id:
            raise exception.ParentPortInUse(port_id=port_id)
        port = ports.PORTS.get_row(context, session, port_id)
        if port.id in seen_ports:
            raise exception.InvalidInput(error_message='Port %s is given twice' % port.id)
        seen_ports.add(port.id)
        parent_of = _trunk_of_parent(session, port.id)
        if parent_of is not None:
            raise exception.PortInUseAsTrunkParent(port_id=port.id, trunk_id=parent_of.id)
        sub = _subport_row(session, port.id)
        if sub is not None:
            raise exception.PortInUseAsSubPort(port_id=port.id, trunk_id=sub.trunk_id)
        if port.device_id or port.device_owner:
            raise exception.PortInUse(port_id=port.id, net_id=port.network_id,
                                      device_id=port.device_id or port.device_owner)
        if kind == 'inherit':
            if seg_id is not None:
                raise exception.InvalidInput(
                    error_message='Subport %s: segmentation_id is not given with the '
                                  'inherit segmentation type' % port.id)
            seg_id = _inherited_vlan(session, port)
        else:
            if seg_id is None:
                raise exception.InvalidInput(
                    error_message='Subport %s needs a segmentation_id' % port.id)
            if isinstance(seg_id, bool) or not isinstance(seg_id, int) \
                    or not VLAN_MIN <= seg_id <= VLAN_MAX:
                raise exception.InvalidInput(
                    error_message='Invalid segmentation_id %s for VLAN: it must be %d to %d'
                    % (seg_id, VLAN_MIN, VLAN_MAX))
        # Both types land on the wire as a VLAN: one VLAN once per trunk.
        if ('vlan', seg_id) in taken or ('inherit', seg_id) in taken:
            raise exception.DuplicateSubPort(segmentation_type=kind,
                                             segmentation_id=seg_id, trunk_id=trunk.id)
        taken.add((kind, seg_id))
        rows.append((port, models.TrunkSubport(port_id=port.id, trunk_id=trunk.id,
                                               segmentation_type=kind,
                                               segmentation_id=seg_id)))
    return rows


def _attach(trunk, rows):
    for port, row in rows:
        trunk.sub_ports.append(row)
        port.device_owner, port.device_id = SUBPORT_OWNER, trunk.id
        port.revision_number = (port.revision_number or 0) + 1


def _detach(session, port_id):
    port = session.get(models.Port, port_id)
    if port is not None and port.device_owner == SUBPORT_OWNER:
        port.device_owner, port.device_id = '', ''
        port.revision_number = (port.revision_number or 0) + 1


def _check_enabled(trunk):
    if not trunk.admin_state_up:
        raise exception.TrunkDisabled(trunk_id=trunk.id)


def create(context, session, body):
    if not body.get('port_id'):
        raise exception.InvalidInput(error_message='A trunk needs a port_id')
    parent = _check_parent(context, session, body['port_id'])
    project_id = queries.new_project(context, body)
    if not queries.is_admin(context) and parent.project_id != project_id:
        raise exception.PortNotFound(port_id=parent.id)
    trunk = models.Trunk(id=uuidutils.generate_uuid(), project_id=project_id,
                         name=body.get('name', ''), description=body.get('description', ''),
                         admin_state_up=body.get('admin_state_up', True),
                         port_id=parent.id, revision_number=1)
    session.add(trunk)
    session.flush()
    _attach(trunk, _new_subports(context, session, trunk, body.get('sub_ports') or []))
    session.flush()
    session.refresh(trunk)
    return make_dict(trunk)


def update(context, session, trunk_id, body):
    trunk = TRUNKS.get_row(context, session, trunk_id)
    queries.bump(trunk, {k: body[k] for k in ('name', 'description', 'admin_state_up')
                         if k in body})
    session.flush()
    return make_dict(trunk)


def delete(context, session, trunk_id):
    trunk = TRUNKS.get_row(context, session, trunk_id)
    _check_enabled(trunk)
    if trunk.port is not None and trunk.port.device_id:
        raise exception.TrunkInUse(trunk_id=trunk.id)
    for sub in list(trunk.sub_ports):
        _detach(session, sub.port_id)
    session.delete(trunk)
    return {'id': trunk_id}


def add_subports(context, session, trunk_id, sub_ports):
    trunk = TRUNKS.get_row(context, session, trunk_id)
    _check_enabled(trunk)
    rows = _new_subports(context, session, trunk, sub_ports)
    _attach(trunk, rows)
    if rows:
        trunk.revision_number += 1
    session.flush()
    return make_dict(trunk)


def remove_subports(context, session, trunk_id, sub_ports):
    trunk = TRUNKS.get_row(context, session, trunk_id)
    _check_enabled(trunk)
    if not isinstance(sub_ports, list):
        raise exception.InvalidInput(error_message='sub_ports must be a list')
    current = {s.port_id: s for s in trunk.sub_ports}
    gone = []
    for item in sub_ports:
        port_id = item.get('port_id') if isinstance(item, dict) else None
        if port_id not in current:
            raise exception.SubPortNotFound(port_id=port_id, trunk_id=trunk.id)
        gone.append(port_id)
    for port_id in gone:
        trunk.sub_ports.remove(current[port_id])
        _detach(session, port_id)
    if gone:
        trunk.revision_number += 1
    session.flush()
    return make_dict(trunk)
