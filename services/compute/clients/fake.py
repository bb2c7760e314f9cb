"""File-backed stand-ins for the image, network and volume services.

State lives in JSON files under ``[clients] fake_state_dir`` so the API and
compute processes of a test deployment see the same images and ports.
The test (or ``seed()``) writes ``images.json`` and ``networks.json``.
"""

import fcntl
import ipaddress
import json
import os
import shutil
import uuid

from oslo_utils import timeutils

from services.compute import exception
from services.compute.clients import base
from services.compute.clients import fake_neutron


def _visible_to(context, owner, public):
    # The fakes stand in for the image/network services' own visibility rules.
    return public or context.is_admin or owner == context.project_id


class _Store:
    def __init__(self, directory, name):
        self.directory = directory
        self.path = os.path.join(directory, name) if directory else None
        self._memory = {}

    def read(self):
        if not self.path:
            return self._memory
        if not os.path.exists(self.path):
            return {}
        with open(self.path) as f:
            return json.load(f)

    def update(self, func):
        """Apply ``func(data)`` under an exclusive lock; returns its result."""
        if not self.path:
            return func(self._memory)
        os.makedirs(self.directory, exist_ok=True)
        with open(self.path + '.lock', 'w') as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = self.read()
            result = func(data)
            tmp = self.path + '.tmp'
            with open(tmp, 'w') as f:
                json.dump(data, f)
            os.replace(tmp, self.path)
            return result


def seed(directory, images=(), networks=(), volumes=()):
    """Write fake images, networks and volumes (dicts with at least id and
    name; a volume also wants size and project_id)."""
    volumes = [dict({'status': 'available', 'size': 1, 'multiattach': False,
                     'attachments': []}, **v) for v in volumes]
    for name, items in (('images.json', images), ('networks.json', networks),
                        ('volumes.json', volumes)):
        store = _Store(directory, name)
        store.update(lambda data, items=items: data.update({i['id']: i for i in items}))


class FakeImageClient(base.ImageClientBase):
    def __init__(self, directory=None):
        self.images = _Store(directory, 'images.json')
        self.directory = directory

    def get(self, context, image_id):
        image = self.images.read().get(image_id)
        if image is None or not _visible_to(
                context, image.get('owner'), image.get('visibility', 'public') == 'public'):
            raise exception.ImageNotFound(image_id=image_id)
        image.setdefault('properties', {})
        image.setdefault('min_disk', 0)
        image.setdefault('min_ram', 0)
        image.setdefault('status', 'active')
        return image

    def download(self, context, image_id, path):
        self.get(context, image_id)
        with open(path, 'wb') as f:
            f.write(b'fake image %s\n' % image_id.encode())

    def create(self, context, name, properties, owner=None, disk_format='qcow2'):
        image = {'id': str(uuid.uuid4()), 'name': name, 'status': 'queued',
                 'disk_format': disk_format,
                 'owner': owner or context.project_id, 'visibility': 'private',
                 'created_at': timeutils.utcnow().isoformat(),
                 'properties': dict(properties)}
        self.images.update(lambda data: data.__setitem__(image['id'], image))
        return image

    def upload(self, context, image_id, path):
        def activate(data):
            if image_id in data:
                data[image_id]['status'] = 'active'
                data[image_id]['size'] = os.path.getsize(path)
        if self.directory:
            shutil.copy(path, os.path.join(self.directory, 'image-%s' % image_id))
        self.images.update(activate)

    def delete(self, context, image_id, strict=False):
        if strict:
            self._writable(context, image_id)
        self.images.update(lambda data: data.pop(image_id, None))

    def _writable(self, context, image_id):
        image = self.get(context, image_id)
        if not context.is_admin and image.get('owner') != context.project_id:
            raise exception.ImageNotAuthorized(image_id=image_id)
        return image

    def list(self, context, filters=None, limit=None, marker=None):
        images = []
        for image_id in list(self.images.read()):
            try:
                images.append(self.get(context, image_id))
            except exception.ImageNotFound:
                continue
        images = [i for i in images if _matches(i, filters or {})]
        if marker:
            ids = [i['id'] for i in images]
            if marker not in ids:
                raise exception.Invalid(reason='marker %s not found' % marker)
            images = images[ids.index(marker) + 1:]
        return images[:limit] if limit is not None else images

    def update_properties(self, context, image_id, properties):
        self._writable(context, image_id)

        def replace(data):
            data[image_id]['properties'] = dict(properties)
        self.images.update(replace)
        return dict(properties)

    def endpoint(self, context):
        return None


def _matches(image, filters):
    for key, value in filters.items():
        if key == 'updated_at':
            stamp = value.partition(':')[2]
            # ISO 8601 text in UTC compares in time order.
            if image.get('updated_at') and not image['updated_at'] >= stamp:
                return False
        elif key in image and key != 'properties':
            if str(image[key]) != value:
                return False
        elif image['properties'].get(key) != value:
            return False
    return True


class FakeNetworkClient(base.NetworkClientBase):
    def __init__(self, directory=None):
        self.networks = _Store(directory, 'networks.json')
        self.ports = _Store(directory, 'ports.json')
        self.neutron = fake_neutron.FakeNeutron(
            self.networks, self.ports, _Store(directory, 'security_groups.json'),
            _Store(directory, 'floatingips.json'))

    def proxy(self, context, method, path, params=None, body=None):
        return self.neutron.call(context, method, path, params, body)

    def get_network(self, context, network_id):
        net = self.networks.read().get(network_id)
        if net is None or not _visible_to(context, net.get('project_id'),
                                              net.get('shared', True)):
            raise exception.NetworkNotFound(network_id=network_id)
        return net

    def list_networks(self, context):
        return [n for n in self.networks.read().values()
                if _visible_to(context, n.get('project_id'), n.get('shared', True))
                and not n.get('router:external')]

    def auto_allocated_topology(self, context):
        """As the network service: with a default external network in the store,
        the project's ``auto_allocated_network`` (made on first ask)."""
        def allocate(nets):
            if not any(n.get('router:external') and n.get('is_default')
                       for n in nets.values()):
                return None
            for net in nets.values():
                if net.get('auto_allocated') and net.get('project_id') == context.project_id:
                    return net['id']
            net = {'id': str(uuid.uuid4()), 'name': 'auto_allocated_network',
                   'project_id': context.project_id, 'shared': False, 'auto_allocated': True}
            nets[net['id']] = net
            return net['id']
        return self.networks.update(allocate)

    def get_port(self, context, port_id):
        port = self.ports.read().get(port_id)
        # A port seeded without a project stands for a shared test fixture.
        if port is None or not _visible_to(context, port.get('project_id'),
                                           'project_id' not in port):
            raise exception.PortNotFound(port_id=port_id)
        return port

    def security_group_ids(self, context, project_id, names):
        return list(names)  # the fake network has every group a user names

    def list_ports(self, context, device_id):
        return [p for p in self.ports.read().values() if p.get('device_id') == device_id]

    def _new_port(self, data, network, device_id, fixed_ip=None, project_id=None):
        used = {p['fixed_ips'][0]['ip_address'] for p in data.values()
                if p['network_id'] == network['id']}
        subnet = ipaddress.ip_network(network.get('cidr', '192.0.2.0/24'), strict=False)
        if fixed_ip:
            if ipaddress.ip_address(fixed_ip) not in subnet:
                raise exception.Invalid(reason='IP address %s is not a valid IP for the '
                                               'specified subnet.' % fixed_ip)
            if fixed_ip in used:
                raise exception.FixedIpAlreadyInUse(address=fixed_ip)
            address = fixed_ip
        else:
            address = next((str(ip) for ip in subnet.hosts()
                            if str(ip) not in used and ip != next(subnet.hosts())), None)
            if address is None:
                raise exception.NoMoreFixedIps(network_id=network['id'])
        port = {'id': str(uuid.uuid4()), 'network_id': network['id'], 'device_id': device_id,
                'mac_address': 'fa:16:3e:%02x:%02x:%02x' % tuple(uuid.uuid4().bytes[:3]),
                'fixed_ips': [{'ip_address': address, 'subnet_id': network['id']}],
                'status': 'ACTIVE'}
        if project_id:
            port['project_id'] = project_id
        data[port['id']] = port
        return port

    def allocate_for_instance(self, context, instance, requested_networks, host):
        return [self._allocate(context, instance, host, request)
                for request in requested_networks or []]

    def allocate_port_for_instance(self, context, instance, host, network_id=None,
                                   port_id=None, fixed_ip=None):
        request = {'port': port_id} if port_id else {'uuid': network_id,
                                                     'fixed_ip': fixed_ip}
        return self._allocate(context, instance, host, request)

    def _allocate(self, context, instance, host, request):
        groups = self.security_group_ids(
            context, instance.project_id,
            [g['name'] for g in instance.security_groups or []] or ['default'])
        if request.get('port'):
            def bind(data, port_id=request['port']):
                if port_id not in data:
                    raise exception.PortNotFound(port_id=port_id)
                data[port_id].update({'device_id': instance.uuid, 'binding:host_id': host})
                return data[port_id]
            port = dict(self.ports.update(bind), preserve_on_delete=True)
        else:
            network = self.get_network(context.elevated(), request['uuid'])

            def create(data, network=network):
                port = self._new_port(data, network, instance.uuid, request.get('fixed_ip'),
                                      instance.project_id)
                port.update({'binding:host_id': host, 'security_groups': groups})
                return port
            port = self.ports.update(create)
        name = self.networks.read()[port['network_id']]['name']
        floating = self.floating_ips_of(context, port) if request.get('port') else None
        return base.network_info_entry(port, name, self.subnets_of(context, port), floating)

    def floating_ips_of(self, context, port):
        """As the network service: ``GET /floatingips?port_id=`` as ``context``."""
        status, body = self.neutron.call(context, 'GET', '/floatingips',
                                         {'port_id': port['id']})
        return base.floating_ips_by_fixed(body['floatingips']) if status == 200 else None

    def subnets_of(self, context, port):
        """A fake network is one subnet: its ``cidr``, the first address as
        gateway, DHCP unless the network says ``enable_dhcp: false``."""
        net = self.networks.read().get(port['network_id']) or {}
        if not net.get('cidr'):
            return {}
        cidr = ipaddress.ip_network(net['cidr'], strict=False)
        subnet = {'cidr': str(cidr), 'gateway_ip': str(next(cidr.hosts())),
                  'enable_dhcp': net.get('enable_dhcp', True),
                  'dns_nameservers': net.get('dns_nameservers') or []}
        return {ip['subnet_id']: base.subnet_info(subnet)
                for ip in port.get('fixed_ips') or [] if ip.get('subnet_id')}

    def bind_ports(self, context, instance, host):
        def bind(data):
            for vif in instance.network_info or []:
                if vif['port_id'] in data:
                    data[vif['port_id']]['binding:host_id'] = host
        self.ports.update(bind)

    def unbind_ports(self, context, instance):
        self.bind_ports(context, instance, None)

    def deallocate_for_instance(self, context, instance):
        for vif in instance.network_info or []:
            self.deallocate_port_for_instance(context, instance, vif)

    def deallocate_port_for_instance(self, context, instance, vif):
        def release(data):
            if vif.get('preserve_on_delete'):
                if vif['port_id'] in data:
                    data[vif['port_id']].update({'device_id': '', 'binding:host_id': None})
            else:
                data.pop(vif['port_id'], None)
        self.ports.update(release)


class FakeVolumeClient(base.VolumeClientBase):
    """Cinder's attachment state machine over JSON files: a volume is
    ``available`` -> ``reserved`` (attachment without connector) ->
    ``attaching`` (connector given) -> ``in-use`` (complete) and back to
    ``available`` when its last attachment is deleted.  Connection info is
    the ``local`` kind the volume service's file driver hands out, naming a
    file under the state directory."""

    #: Images whose volumes end in ``error`` (a failed image copy).
    FAIL_IMAGE = 'deadbeef-0000-4000-8000-000000000bad'

    def __init__(self, directory=None):
        self.directory = directory
        self.volumes = _Store(directory, 'volumes.json')
        self.attachments = _Store(directory, 'attachments.json')
        #: os-update_snapshot_status reports: {snapshot_id: [{status, progress}]}.
        self.snapshot_reports = _Store(directory, 'snapshot_reports.json')
        self.snapshots = _Store(directory, 'snapshots.json')
        #: os-reimage calls: {volume_id: [image_id, ...]}
        self.reimaged = _Store(directory, 'reimaged.json')

    def _visible(self, context, volume):
        return context.is_admin or volume.get('project_id') in (context.project_id, None)

    def get(self, context, volume_id, project_id=None):
        volume = self.volumes.read().get(volume_id)
        if volume is None or not self._visible(context, volume):
            raise exception.VolumeNotFound(volume_id=volume_id)
        return volume

    def create(self, context, size, name=None, image_id=None, availability_zone=None,
               project_id=None, snapshot_id=None):
        image_metadata = {'image_id': image_id} if image_id else {}
        if snapshot_id:
            # As the volume service: the snapshot's size at least, and its
            # volume's image metadata.
            snapshot = self.snapshot_get(context, snapshot_id)
            if size is not None and size < snapshot['size']:
                raise exception.InvalidVolume(reason='Volume size %s is smaller than the '
                                                     'snapshot' % size)
            size = size or snapshot['size']
            source = self.volumes.read().get(snapshot['volume_id']) or {}
            image_metadata = dict(source.get('volume_image_metadata') or {})
        volume = {'id': str(uuid.uuid4()), 'name': name, 'size': size,
                  'project_id': project_id or context.project_id, 'multiattach': False,
                  'status': 'error' if image_id == self.FAIL_IMAGE else 'available',
                  'attachments': [], 'volume_image_metadata': image_metadata,
                  'snapshot_id': snapshot_id}
        self.volumes.update(lambda data: data.__setitem__(volume['id'], volume))
        return dict(volume, status='creating')

    def delete(self, context, volume_id, project_id=None):
        def drop(data):
            volume = data.get(volume_id)
            if volume and volume['status'] not in ('available', 'error'):
                raise exception.InvalidVolume(reason='Volume status must be available or '
                                                     'error')
            data.pop(volume_id, None)
        self.volumes.update(drop)

    def device_path(self, volume_id):
        return os.path.join(self.directory or '/nonexistent', 'volume-%s' % volume_id)

    def _connection_info(self, volume_id):
        return {'driver_volume_type': 'local',
                'data': {'device_path': self.device_path(volume_id), 'format': 'raw'}}

    def attachment_create(self, context, volume_id, instance_uuid, connector=None,
                          mountpoint=None, project_id=None):
        self.get(context, volume_id, project_id)  # 404 for a volume the caller cannot see
        attachment = {'id': str(uuid.uuid4()), 'volume_id': volume_id,
                      'instance': instance_uuid, 'status': 'reserved',
                      'connector': connector, 'connection_info': {},
                      'attach_mode': 'rw'}

        # As the volume service: a volume attached to this same server may
        # be reserved for it again (a rebuild that reimages its root volume).
        own = any(a.get('volume_id') == volume_id and a.get('instance') == instance_uuid
                  for a in self.attachments.read().values())

        def reserve(data):
            current = data[volume_id]
            shared = (current.get('multiattach') or own) and current['status'] in (
                'in-use', 'reserved', 'attaching')
            if current['status'] != 'available' and not shared:
                raise exception.InvalidVolume(
                    reason='volume %s status must be available or in-use with multiattach, '
                           'but is %s' % (volume_id, current['status']))
            if not shared:
                current['status'] = 'reserved'
        self.volumes.update(reserve)
        if connector:
            attachment.update(status='attaching',
                              connection_info=self._connection_info(volume_id))
        self.attachments.update(lambda data: data.__setitem__(attachment['id'], attachment))
        return dict(attachment, id=attachment['id'])

    def _attachment(self, data, attachment_id):
        if attachment_id not in data:
            raise exception.VolumeAttachmentNotFound(attachment_id=attachment_id)
        return data[attachment_id]

    def attachment_update(self, context, attachment_id, connector, mountpoint=None,
                          project_id=None):
        def connect(data):
            attachment = self._attachment(data, attachment_id)
            attachment.update(connector=dict(connector, mountpoint=mountpoint),
                              status='attaching',
                              connection_info=self._connection_info(attachment['volume_id']))
            return dict(attachment)
        attachment = self.attachments.update(connect)

        def attaching(data):
            volume = data[attachment['volume_id']]
            if volume['status'] != 'in-use':  # a shared volume stays in use
                volume['status'] = 'attaching'
        self.volumes.update(attaching)
        return attachment

    def attachment_complete(self, context, attachment_id, project_id=None):
        def attached(data):
            attachment = self._attachment(data, attachment_id)
            attachment['status'] = 'attached'
            return dict(attachment)
        attachment = self.attachments.update(attached)

        def in_use(data):
            volume = data[attachment['volume_id']]
            volume['status'] = 'in-use'
            volume['attachments'] = [a for a in volume['attachments']
                                     if a['attachment_id'] != attachment_id]
            volume['attachments'].append({'attachment_id': attachment_id,
                                          'server_id': attachment['instance'],
                                          'volume_id': volume['id']})
        self.volumes.update(in_use)

    def attachment_delete(self, context, attachment_id, project_id=None):
        attachment = self.attachments.update(lambda data: data.pop(attachment_id, None))
        if attachment is None:
            return

        others = [a for a in self.attachments.read().values()
                  if a.get('volume_id') == attachment['volume_id']]

        def release(data):
            volume = data.get(attachment['volume_id'])
            if volume is None:
                return
            volume['attachments'] = [a for a in volume['attachments']
                                     if a['attachment_id'] != attachment_id]
            if not volume['attachments'] and volume['status'] not in ('downloading', 'error'):
                volume['status'] = 'reserved' if others else 'available'
        self.volumes.update(release)

    def migrate_volume_completion(self, context, old_volume_id, new_volume_id, error=False,
                                  project_id=None):
        """As the volume service for a swap it did not start: the old
        volume's attachments to the servers the new one is attached to go
        (the old volume ``available`` once it has none); the new id."""
        self.get(context, old_volume_id, project_id)
        new = self.get(context, new_volume_id, project_id)
        if error:
            return new_volume_id
        servers = {a['server_id'] for a in new.get('attachments') or []}
        for attachment_id, attachment in list(self.attachments.read().items()):
            if attachment['volume_id'] == old_volume_id and attachment['instance'] in servers:
                self.attachment_delete(context, attachment_id)
        return new_volume_id

    def reimage(self, context, volume_id, image_id, reimage_reserved=False, project_id=None):
        """The image's id recorded at once (``reimaged``: the calls, in
        order); the volume stays ``downloading`` until the test reports it
        done (:meth:`finish_reimage`), as the volume service's
        ``volume-reimaged`` event would."""
        self.get(context, volume_id, project_id)

        def downloading(data):
            volume = data[volume_id]
            allowed = ('available', 'error') + (('reserved',) if reimage_reserved else ())
            if volume['status'] not in allowed:
                raise exception.InvalidVolume(
                    reason='Volume %s status must be %s to reimage it, but is %s'
                           % (volume_id, ' or '.join(allowed), volume['status']))
            volume['previous_status'] = volume['status']
            volume['status'] = 'downloading'
        self.volumes.update(downloading)
        self.reimaged.update(lambda data: data.setdefault(volume_id, []).append(image_id))

    def finish_reimage(self, volume_id, ok=True):
        """The end of a reimage: the volume shows its new image and is back
        to its status (``error`` when not ``ok``)."""
        image_id = self.reimaged.read()[volume_id][-1]
        reserved = any(a.get('volume_id') == volume_id
                       for a in self.attachments.read().values())

        def done(data):
            volume = data[volume_id]
            if ok:
                volume['volume_image_metadata'] = dict(
                    volume.get('volume_image_metadata') or {}, image_id=image_id)
                previous = volume.pop('previous_status', 'available')
                volume['status'] = 'reserved' if previous == 'reserved' and reserved \
                    else 'available'
            else:
                volume['status'] = 'error'
        self.volumes.update(done)

    # -- os-volumes / os-snapshots --------------------------------------------------

    def list(self, context):
        return [v for v in self.volumes.read().values() if self._visible(context, v)]

    def create_volume(self, context, size, name=None, description=None, volume_type=None,
                      snapshot_id=None, metadata=None, availability_zone=None):
        if snapshot_id:
            self.snapshot_get(context, snapshot_id)
        if volume_type and volume_type not in ('__DEFAULT__', 'lvmdriver-1'):
            raise exception.InvalidVolume(reason='Volume type %s could not be found.'
                                                 % volume_type)
        volume = {'id': str(uuid.uuid4()), 'name': name, 'description': description,
                  'size': size, 'project_id': context.project_id, 'multiattach': False,
                  'status': 'available', 'attachments': [], 'bootable': 'false',
                  'volume_type': volume_type or '__DEFAULT__', 'snapshot_id': snapshot_id,
                  'metadata': dict(metadata or {}),
                  'availability_zone': availability_zone or 'nova',
                  'created_at': timeutils.utcnow().isoformat()}
        self.volumes.update(lambda data: data.__setitem__(volume['id'], volume))
        return dict(volume, status='creating')

    def delete_volume(self, context, volume_id):
        self.get(context, volume_id)

        def drop(data):
            if any(s['volume_id'] == volume_id for s in self.snapshots.read().values()):
                raise exception.InvalidVolume(reason='Volume cannot be deleted while it '
                                                     'has snapshots.')
            if data[volume_id]['status'] not in ('available', 'error'):
                raise exception.InvalidVolume(reason='Volume status must be available or '
                                                     'error')
            data.pop(volume_id)
        self.volumes.update(drop)

    def snapshot_list(self, context):
        return [s for s in self.snapshots.read().values() if self._visible(context, s)]

    def snapshot_get(self, context, snapshot_id):
        snapshot = self.snapshots.read().get(snapshot_id)
        if snapshot is None or not self._visible(context, snapshot):
            raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
        return snapshot

    def snapshot_create(self, context, volume_id, force=False, name=None, description=None):
        volume = self.get(context, volume_id)
        if volume['status'] != 'available' and not (force and volume['status'] == 'in-use'):
            raise exception.InvalidVolume(reason='Volume %s status must be available'
                                                 % volume_id)
        snapshot = {'id': str(uuid.uuid4()), 'volume_id': volume_id, 'status': 'available',
                    'size': volume['size'], 'name': name, 'description': description,
                    'project_id': volume.get('project_id'),
                    'created_at': timeutils.utcnow().isoformat()}
        self.snapshots.update(lambda data: data.__setitem__(snapshot['id'], snapshot))
        return dict(snapshot, status='creating')

    def snapshot_delete(self, context, snapshot_id):
        self.snapshot_get(context, snapshot_id)
        self.snapshots.update(lambda data: data.pop(snapshot_id, None))

    def update_snapshot_status(self, context, snapshot_id, status, progress='90%'):
        def report(data):
            data.setdefault(snapshot_id, []).append({'status': status, 'progress': progress})
        self.snapshot_reports.update(report)
