"""What a guest learns about itself: the documents of the OpenStack and EC2
metadata formats, built from one server.

One builder serves both ways a guest reads them: the config drive (every
file written into an ISO 9660 image, see :mod:`.configdrive`) and the
metadata service (one path at a time, see :mod:`.handler`). Pure: it takes
the server's fields and returns bytes, so every document is unit-testable.
"""

import base64
import binascii
import ipaddress
import json
import os

#: The OpenStack format's versions, oldest first; ``latest`` is the newest.
OPENSTACK_VERSIONS = ('2012-08-10', '2013-04-04', '2013-10-17', '2015-10-15',
                      '2016-06-30', '2016-10-06', '2017-02-22', '2018-08-27',
                      '2020-10-14')
#: The first version that has each document (meta_data.json and user_data
#: are in every one).
_SINCE = {'vendor_data.json': '2013-10-17', 'network_data.json': '2015-10-15',
          'vendor_data2.json': '2016-10-06'}
#: The first OpenStack version whose meta_data.json lists tagged devices.
_DEVICES_SINCE = '2016-06-30'
#: The EC2 format's versions, oldest first.
EC2_VERSIONS = ('1.0', '2007-01-19', '2007-03-01', '2007-08-29', '2007-10-10',
                '2007-12-15', '2008-02-01', '2008-09-01', '2009-04-04')
LATEST = 'latest'


class NotFound(KeyError):
    """No such document or directory."""


def load_vendor_data(path):
    """The vendor_data.json document from ``path`` (a JSON object); {} when
    no file is configured or it cannot be read."""
    if not path:
        return {}
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _decode_user_data(value):
    """The API stores user data base64-encoded; the guest gets the bytes."""
    if not value:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return value.encode('utf-8') if isinstance(value, str) else value


def _get(instance, name, default=None):
    value = getattr(instance, name, default)
    return default if value is None else value


def _openstack_version(version):
    if version == LATEST:
        return OPENSTACK_VERSIONS[-1]
    if version not in OPENSTACK_VERSIONS:
        raise NotFound(version)
    return version


def tagged_devices(instance, network_info, volumes=()):
    """nova's device metadata: the server's tagged NICs (``vif_tag_<port>``
    of its system_metadata, matched to its ports by id) and tagged volumes
    (``volumes``: dicts or objects with volume_id, device_name and tag).

    A NIC is ``{type: nic, bus: pci, mac, tags}``, a volume ``{type: disk,
    bus: pci, serial: <volume id>, path: <device>, tags}`` (virtio disks
    are PCI devices); untagged devices are not listed.  The guest's PCI
    addresses are libvirt's choice and not known here, so ``address`` is
    left out."""
    system_metadata = _get(instance, 'system_metadata', {}) or {}
    devices = []
    for vif in network_info or []:
        tag = system_metadata.get('vif_tag_%s' % vif.get('port_id'))
        if tag:
            devices.append({'type': 'nic', 'bus': 'pci', 'mac': vif.get('mac_address'),
                            'tags': [tag]})
    for volume in volumes or ():
        def field(name):
            return volume.get(name) if isinstance(volume, dict) else getattr(volume, name,
                                                                             None)
        if field('tag') and field('volume_id'):
            devices.append({'type': 'disk', 'bus': 'pci', 'serial': field('volume_id'),
                            'path': field('device_name'), 'tags': [field('tag')]})
    return devices


class InstanceMetadata:
    """The metadata of one server.

    :param instance: the server (an ``Instance`` object or anything with its
        fields: uuid, display_name, hostname, project_id, key_name,
        key_data, user_data, metadata, availability_zone, launch_index,
        flavor, image_ref, reservation_id, security_groups, id).
    :param network_info: the server's network_info list (port_id,
        network_id, mac_address, fixed_ips; optional mtu, vif_type, and per
        fixed IP a ``subnet`` dict with cidr, gateway, dns_nameservers,
        enable_dhcp, host_routes).
    :param default_zone: the availability zone of a server without one.
    :param vendor_data: the vendor_data.json document (a dict).
    :param devices: the tagged devices of meta_data.json (see
        :func:`tagged_devices`); by default its tagged NICs.
    :param dhcp_domain: appended to the hostname (``<hostname>.<domain>``).
    """

    def __init__(self, instance, network_info=None, default_zone='nova', vendor_data=None,
                 devices=None, dhcp_domain=None):
        self.instance = instance
        self.network_info = list(network_info if network_info is not None
                                 else _get(instance, 'network_info', []))
        self.devices = list(devices if devices is not None
                            else tagged_devices(instance, self.network_info))
        self.default_zone = default_zone
        self.vendor_data = dict(vendor_data or {})
        self.dhcp_domain = dhcp_domain
        self.user_data = _decode_user_data(_get(instance, 'user_data'))

    # -- fields -------------------------------------------------------------------
    @property
    def uuid(self):
        return self.instance.uuid

    @property
    def hostname(self):
        name = _get(self.instance, 'hostname') or _get(self.instance, 'display_name') or ''
        return '%s.%s' % (name, self.dhcp_domain) if name and self.dhcp_domain else name

    @property
    def availability_zone(self):
        return _get(self.instance, 'availability_zone') or self.default_zone

    def _keys(self):
        name, data = _get(self.instance, 'key_name'), _get(self.instance, 'key_data')
        if not data:
            return []
        return [{'name': name or 'key', 'type': 'ssh', 'data': data}]

    def _fixed_ips(self, version=4):
        return [ip['ip_address'] for vif in self.network_info
                for ip in vif.get('fixed_ips') or [] if ip.get('version', 4) == version]

    def _floating_ips(self):
        return [address for vif in self.network_info for ip in vif.get('fixed_ips') or []
                for address in ip.get('floating_ips') or ()]

    # -- OpenStack documents --------------------------------------------------------
    def meta_data(self, version=LATEST):
        """meta_data.json of OpenStack ``version`` (``devices`` from
        2016-06-30)."""
        keys = self._keys()
        doc = {'uuid': self.uuid,
               'meta': dict(_get(self.instance, 'metadata', {})),
               'hostname': self.hostname,
               'name': _get(self.instance, 'display_name', ''),
               'launch_index': _get(self.instance, 'launch_index', 0),
               'availability_zone': self.availability_zone,
               'project_id': _get(self.instance, 'project_id'),
               # Entropy for a guest whose kernel has not gathered any yet.
               'random_seed': base64.b64encode(os.urandom(512)).decode('ascii')}
        if keys:
            doc['public_keys'] = {k['name']: k['data'] for k in keys}
            doc['keys'] = keys
        if _openstack_version(version) >= _DEVICES_SINCE:
            doc['devices'] = [dict(d) for d in self.devices]
        return doc

    def network_data(self):
        """links (one per port), networks (one per fixed IP: static ``ipv4``
        / ``ipv6`` when the subnet is known and has no DHCP, else
        ``ipv4_dhcp`` / ``ipv6_dhcp``), services (DNS servers)."""
        links, networks, dns = [], [], []
        for vif in self.network_info:
            link_id = 'tap' + (vif.get('port_id') or '')[:11]
            link = {'id': link_id, 'vif_id': vif.get('port_id'),
                    'type': vif.get('vif_type') or 'ovs',
                    'ethernet_mac_address': vif.get('mac_address'),
                    'mtu': vif.get('mtu')}
            links.append(link)
            for ip in vif.get('fixed_ips') or []:
                networks.append(self._network(len(networks), link_id, vif, ip, dns))
        services = [{'type': 'dns', 'address': address} for address in dns]
        return {'links': links, 'networks': networks, 'services': services}

    @staticmethod
    def _network(index, link_id, vif, ip, dns):
        version = ip.get('version', 4)
        subnet = ip.get('subnet') or {}
        net = {'id': 'network%d' % index, 'link': link_id,
               'network_id': vif.get('network_id')}
        if not subnet.get('cidr') or subnet.get('enable_dhcp', True):
            net['type'] = 'ipv%d_dhcp' % version
            return net
        cidr = ipaddress.ip_network(subnet['cidr'], strict=False)
        net.update(type='ipv%d' % version, ip_address=ip['ip_address'],
                   netmask=str(cidr.netmask) if version == 4 else str(cidr.prefixlen))
        routes = []
        if subnet.get('gateway'):
            default = '0.0.0.0' if version == 4 else '::'
            routes.append({'network': default, 'netmask': '0.0.0.0' if version == 4 else '0',
                           'gateway': subnet['gateway']})
        for route in subnet.get('host_routes') or []:
            dest = ipaddress.ip_network(route['destination'], strict=False)
            routes.append({'network': str(dest.network_address),
                           'netmask': str(dest.netmask) if version == 4
                           else str(dest.prefixlen),
                           'gateway': route['nexthop']})
        net['routes'] = routes
        nameservers = subnet.get('dns_nameservers') or []
        if nameservers:
            net['services'] = [{'type': 'dns', 'address': a} for a in nameservers]
            dns.extend(a for a in nameservers if a not in dns)
        return net

    def openstack_documents(self, version):
        """{file name: bytes} of one OpenStack version (``latest`` too)."""
        real = _openstack_version(version)
        docs = {'meta_data.json': _json(self.meta_data(real))}
        if self.user_data is not None:
            docs['user_data'] = self.user_data
        for name, since in _SINCE.items():
            if real >= since:
                docs[name] = _json(self.network_data() if name == 'network_data.json'
                                   else self.vendor_data if name == 'vendor_data.json'
                                   else {})
        return docs

    # -- EC2 documents ------------------------------------------------------------------
    def ec2_meta_data(self):
        """The EC2 ``meta-data`` tree as nested dicts (leaves are strings)."""
        flavor = _get(self.instance, 'flavor', {}) or {}
        v4, floating = self._fixed_ips(4), self._floating_ips()
        groups = [g.get('name') for g in _get(self.instance, 'security_groups', []) or []]
        data = {
            'ami-id': _get(self.instance, 'image_ref', ''),
            'ami-launch-index': str(_get(self.instance, 'launch_index', 0)),
            'block-device-mapping': {'ami': 'vda', 'root': '/dev/vda'},
            'hostname': self.hostname,
            'instance-action': 'none',
            'instance-id': 'i-%08x' % _get(self.instance, 'id', 0),
            'instance-type': flavor.get('name', ''),
            'local-hostname': self.hostname,
            'local-ipv4': v4[0] if v4 else '',
            'placement': {'availability-zone': self.availability_zone},
            'public-hostname': self.hostname,
            'public-ipv4': floating[0] if floating else '',
            'reservation-id': _get(self.instance, 'reservation_id', ''),
            'security-groups': '\n'.join(g for g in groups if g),
        }
        keys = self._keys()
        if keys:
            data['public-keys'] = {'0=%s' % keys[0]['name']: {'openssh-key': keys[0]['data']}}
        return data

    def ec2_documents(self, version):
        """{file name: bytes} of the config drive's ``ec2/<version>/``."""
        if version != LATEST and version not in EC2_VERSIONS:
            raise NotFound(version)
        docs = {'meta-data.json': _json(_ec2_json(self.ec2_meta_data()))}
        if self.user_data is not None:
            docs['user-data'] = self.user_data
        return docs

    # -- the whole tree -----------------------------------------------------------------
    def config_drive_files(self):
        """{path in the config drive: bytes}: every OpenStack version and
        ``latest``, and the EC2 tree's newest version and ``latest``."""
        files = {}
        for version in OPENSTACK_VERSIONS + (LATEST,):
            for name, body in self.openstack_documents(version).items():
                files['openstack/%s/%s' % (version, name)] = body
        for version in (EC2_VERSIONS[-1], LATEST):
            for name, body in self.ec2_documents(version).items():
                files['ec2/%s/%s' % (version, name)] = body
        return files

    def lookup(self, path):
        """What the metadata service answers for ``path``: bytes of a
        document, or the lines of a listing (a list). Raises NotFound."""
        parts = [p for p in path.split('/') if p]
        if not parts:
            return list(EC2_VERSIONS) + [LATEST, 'openstack']
        if parts[0] == 'openstack':
            return self._lookup_openstack(parts[1:])
        return self._lookup_ec2(parts)

    def _lookup_openstack(self, parts):
        if not parts:
            return list(OPENSTACK_VERSIONS) + [LATEST]
        docs = self.openstack_documents(parts[0])
        if len(parts) == 1:
            return sorted(docs)
        if len(parts) == 2 and parts[1] in docs:
            return docs[parts[1]]
        raise NotFound('/'.join(parts))

    def _lookup_ec2(self, parts):
        version = parts[0]
        if version != LATEST and version not in EC2_VERSIONS:
            raise NotFound(version)
        if len(parts) == 1:
            return ['meta-data/'] + (['user-data'] if self.user_data is not None else [])
        if parts[1] == 'user-data' and len(parts) == 2 and self.user_data is not None:
            return self.user_data
        if parts[1] != 'meta-data':
            raise NotFound('/'.join(parts))
        node = self.ec2_meta_data()
        for part in parts[2:]:
            if not isinstance(node, dict):
                raise NotFound('/'.join(parts))
            node = _ec2_child(node, part)
        if isinstance(node, dict):
            return [k + '/' if isinstance(v, dict) and not k.startswith('0=') else k
                    for k, v in sorted(node.items())]
        return node.encode('utf-8')


def _ec2_child(node, part):
    """A child of the meta-data tree; ``public-keys/0`` names ``0=<name>``."""
    if part in node:
        return node[part]
    for key, value in node.items():
        if key.split('=', 1)[0] == part and '=' in key:
            return value
    raise NotFound(part)


def _ec2_json(tree):
    """The meta-data tree as the config drive's meta-data.json holds it:
    ``public-keys`` keyed by index (``{"0": {"openssh-key": ...}}``)."""
    out = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            value = _ec2_json({k.split('=', 1)[0]: v for k, v in value.items()})
        out[key] = value
    return out


def _json(doc):
    return json.dumps(doc, sort_keys=True).encode('utf-8')
