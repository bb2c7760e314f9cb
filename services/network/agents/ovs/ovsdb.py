"""The local Open vSwitch database, through ovsdbapp.

:class:`Ovsdb` is the only place that talks OVSDB; the agents use its few
verbs (bridge, ports with an ``iface-id``, VLAN tag, internal ports) and the
unit tests hand them :class:`services.network.agents.ovs.fake.FakeOvsdb`.
"""

from oslo_log import log as logging

LOG = logging.getLogger(__name__)
#: The VLAN of ports that are not (yet) wired to a network: nothing else uses it.
DEAD_VLAN = 4095


def _one(value):
    """An optional OVSDB column as ovsdbapp gives it ([] or [x] or x) -> x or None."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


class Ovsdb:
    def __init__(self, connection, timeout):
        from ovsdbapp.backend.ovs_idl import connection as ovs_connection
        from ovsdbapp.schema.open_vswitch import impl_idl

        idl = ovs_connection.OvsdbIdl.from_server(connection, 'Open_vSwitch')
        self.api = impl_idl.OvsdbIdl(ovs_connection.Connection(idl=idl, timeout=timeout))

    def ensure_bridge(self, name, datapath_type):
        self.api.add_br(name, may_exist=True, datapath_type=datapath_type).execute(
            check_error=True)

    def bridge_exists(self, name):
        return bool(self.api.br_exists(name).execute(check_error=True))

    def iface_ports(self, bridge):
        """``{iface_id: {'name', 'tag', 'ofport', 'mac'}}`` of the ports on
        ``bridge`` whose interface carries ``external_ids:iface-id``."""
        names = self.api.list_ports(bridge).execute(check_error=True) or []
        if not names:
            return {}
        ifaces = self.api.db_list('Interface', records=names, if_exists=True,
                                  columns=['name', 'external_ids', 'ofport']).execute(
            check_error=True)
        ports = {row['name']: row for row in self.api.db_list(
            'Port', records=names, if_exists=True, columns=['name', 'tag']).execute(
            check_error=True)}
        result = {}
        for row in ifaces:
            ids = row.get('external_ids') or {}
            iface_id = ids.get('iface-id')
            if not iface_id:
                continue
            ofport = _one(row.get('ofport'))
            result[iface_id] = {
                'name': row['name'], 'tag': _one(ports.get(row['name'], {}).get('tag')),
                'ofport': ofport if ofport is not None else -1,
                'mac': ids.get('attached-mac')}
        return result

    def set_tag(self, port_name, tag):
        self.api.db_set('Port', port_name, ('tag', tag)).execute(check_error=True)

    def add_internal_port(self, bridge, name, iface_id, mac):
        with self.api.transaction(check_error=True) as txn:
            txn.add(self.api.add_port(bridge, name, may_exist=True))
            # Dead until the Open vSwitch agent gives it its network's tag.
            txn.add(self.api.db_set('Port', name, ('tag', DEAD_VLAN)))
            txn.add(self.api.db_set(
                'Interface', name, ('type', 'internal'),
                ('external_ids', {'iface-id': iface_id, 'attached-mac': mac,
                                  'iface-status': 'active'})))

    def del_port(self, name):
        self.api.del_port(name, if_exists=True).execute(check_error=True)

    # -- provider bridges -----------------------------------------------------------------
    def add_patch_port(self, bridge, name, peer):
        """A patch port ``name`` on ``bridge`` whose other end is ``peer``."""
        with self.api.transaction(check_error=True) as txn:
            txn.add(self.api.add_port(bridge, name, may_exist=True))
            txn.add(self.api.db_set('Interface', name, ('type', 'patch'),
                                    ('options', {'peer': peer})))

    def add_tunnel_port(self, bridge, name, tunnel_type, options):
        """A tunnel port (``vxlan``) ``name`` on ``bridge`` with ``options``
        (``remote_ip``, ``local_ip``, ``key``, ...)."""
        with self.api.transaction(check_error=True) as txn:
            txn.add(self.api.add_port(bridge, name, may_exist=True))
            txn.add(self.api.db_set('Interface', name, ('type', tunnel_type),
                                    ('options', dict(options))))

    def ofport(self, name):
        """The OpenFlow port number of interface ``name`` (None while unknown)."""
        rows = self.api.db_list('Interface', records=[name], if_exists=True,
                                columns=['ofport']).execute(check_error=True)
        ofport = _one(rows[0].get('ofport')) if rows else None
        return ofport if ofport not in (None, -1) else None
