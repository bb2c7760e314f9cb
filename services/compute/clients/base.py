"""What compute needs from the image, network and volume services."""

import abc

from keystoneauth1 import plugin as ks_plugin
from keystoneauth1 import service_token
from oslo_config import cfg

from common import service_auth
from services.compute import exception

CONF = cfg.CONF
#: Fields of a Glance v2 image that are not user properties.
IMAGE_ATTRIBUTES = frozenset({
    'id', 'name', 'status', 'visibility', 'owner', 'size', 'virtual_size', 'min_disk',
    'min_ram', 'checksum', 'os_hash_algo', 'os_hash_value', 'disk_format',
    'container_format', 'created_at', 'updated_at', 'tags', 'file', 'schema', 'self',
    'protected', 'os_hidden', 'locations', 'direct_url', 'stores'})
def service_session():
    """A keystoneauth session authenticated as compute's service user."""
    return service_auth.session()


class _UserToken(ks_plugin.BaseAuthPlugin):
    """The token of the user a request acts for.  Endpoints come from the
    service user's catalog: they are the same for everyone, and the user's
    catalog is not carried over RPC."""

    def __init__(self, token, endpoint_source):
        super().__init__()
        self._token = token
        self._endpoint_source = endpoint_source

    def get_token(self, session, **kwargs):
        return self._token

    def get_endpoint(self, session, **kwargs):
        return self._endpoint_source.get_endpoint(session, **kwargs)

    def invalidate(self):
        return False  # a user's token cannot be renewed here


def request_auth(context):
    """Auth for a call made on behalf of ``context``.

    With a user token (a user's API request, also when carried to another
    daemon over RPC) the call sends it as X-Auth-Token and the service
    user's token as X-Service-Token, so the other service applies the
    user's own visibility and policy.  Background work (periodic tasks,
    watchdogs) has no user token and acts as the service user.
    """
    service_auth = service_session().auth
    token = getattr(context, 'auth_token', None)
    if not token:
        return service_auth
    return service_token.ServiceTokenAuthWrapper(
        user_auth=_UserToken(token, service_auth), service_auth=service_auth)


def acts_for_user(context):
    return bool(getattr(context, 'auth_token', None))


class ImageClientBase(abc.ABC):
    @abc.abstractmethod
    def get(self, context, image_id):
        """Image dict (id, name, status, min_disk, min_ram, size, properties)
        visible to ``context``; ImageNotFound otherwise."""

    @abc.abstractmethod
    def download(self, context, image_id, path):
        """Write the image data to ``path``."""

    @abc.abstractmethod
    def create(self, context, name, properties, owner=None, disk_format='qcow2'):
        """Register a queued image owned by ``owner`` (by default the
        caller's project)."""

    @abc.abstractmethod
    def upload(self, context, image_id, path):
        """Upload ``path`` as the image's data."""

    @abc.abstractmethod
    def delete(self, context, image_id, strict=False):
        """Delete the image; with ``strict``, ImageNotFound or
        ImageNotAuthorized when the image service refuses (best effort
        otherwise)."""

    @abc.abstractmethod
    def list(self, context, filters=None, limit=None, marker=None):
        """Images visible to ``context`` (dicts as :meth:`get` returns them),
        newest first, matching the Glance v2 query ``filters``; every page
        up to ``limit`` when it is given."""

    @abc.abstractmethod
    def update_properties(self, context, image_id, properties):
        """Make ``properties`` the image's whole set of user properties;
        returns them as the image service stored them."""

    @abc.abstractmethod
    def endpoint(self, context):
        """The image service's base URL, or None when it is not known."""


class NetworkClientBase(abc.ABC):
    @abc.abstractmethod
    def get_network(self, context, network_id):
        """Network dict visible to ``context``; NetworkNotFound otherwise."""

    @abc.abstractmethod
    def list_networks(self, context):
        """Networks ``context``'s project may attach to (own and shared)."""

    @abc.abstractmethod
    def auto_allocated_topology(self, context):
        """The id of ``context``'s project's auto-allocated network (the network
        service builds it on first ask), or None when the deployment has no
        default external network or default subnet pool to build it from."""

    @abc.abstractmethod
    def get_port(self, context, port_id):
        """Port dict; PortNotFound otherwise."""

    @abc.abstractmethod
    def proxy(self, context, method, path, params=None, body=None):
        """A Neutron v2.0 call (``path`` below ``/v2.0``) made for
        ``context``: ``(status, decoded body)``; 5xx raise."""

    @abc.abstractmethod
    def allocate_for_instance(self, context, instance, requested_networks, host):
        """Create or bind ports; returns the instance's network_info list."""

    @abc.abstractmethod
    def deallocate_for_instance(self, context, instance):
        """Delete ports compute created, unbind the ones the user passed."""

    @abc.abstractmethod
    def bind_ports(self, context, instance, host):
        """Re-bind the instance's ports to ``host`` (resize, migrate, evacuate,
        unshelve)."""

    @abc.abstractmethod
    def unbind_ports(self, context, instance):
        """Clear the host binding of the instance's ports, keeping the ports
        (shelve offload)."""

    @abc.abstractmethod
    def list_ports(self, context, device_id):
        """Ports visible to ``context`` whose device is ``device_id``."""

    def subnets_of(self, context, port):
        """id -> :func:`subnet_info` of the subnets of ``port``'s fixed IPs
        (empty when the network service cannot tell)."""
        return {}

    def floating_ips_of(self, context, port):
        """fixed IP address -> the floating IP addresses associated with it
        on ``port``, as ``context`` sees them; None when the network service
        cannot tell (the caller keeps what it knew)."""
        return {}

    def refresh_network_info(self, context, instance):
        """The server's network_info rebuilt from its ports as the network
        service has them now (addresses, MACs, status; nova's info cache
        refresh): ports it knew keep their place and ``preserve_on_delete``,
        ports added behind compute's back come last, deleted ones go."""
        known = {vif['port_id']: (index, vif)
                 for index, vif in enumerate(instance.network_info or [])}
        names = {}
        entries = []
        for port in self.list_ports(context, instance.uuid):
            index, old = known.get(port['id'], (len(known), {}))
            net_id = port['network_id']
            if net_id not in names:
                try:
                    names[net_id] = self.get_network(context, net_id).get('name')
                except exception.NetworkNotFound:
                    names[net_id] = old.get('network_name')
            # The binding's details are the service's to read: a user's
            # listing keeps the ones the server had.
            details = port.get('binding:vif_details') or old.get('vif_details')
            floating = self.floating_ips_of(context, port)
            if floating is None:
                floating = floating_ips_in(old)
            entry = network_info_entry(
                dict(port, preserve_on_delete=old.get('preserve_on_delete', False),
                     **{'binding:vif_details': details}),
                names[net_id], self.subnets_of(context, port), floating)
            entries.append((index, entry))
        return [entry for _, entry in sorted(entries, key=lambda item: item[0])]

    @abc.abstractmethod
    def allocate_port_for_instance(self, context, instance, host, network_id=None,
                                   port_id=None, fixed_ip=None):
        """Create a port on ``network_id`` (or take the user's ``port_id``),
        bind it to ``host``; returns its network_info entry."""

    @abc.abstractmethod
    def deallocate_port_for_instance(self, context, instance, vif):
        """Delete one port compute created, or unbind one the user passed."""


class VolumeClientBase(abc.ABC):
    """Cinder v3 volumes and attachments (microversion 3.44).

    ``project_id`` names the project in the volume service's URL when the
    call acts as the service user for a volume of another project; by
    default it is the caller's."""

    @abc.abstractmethod
    def get(self, context, volume_id, project_id=None):
        """Volume dict (id, status, size, multiattach, attachments, ...);
        VolumeNotFound otherwise."""

    @abc.abstractmethod
    def create(self, context, size, name=None, image_id=None, availability_zone=None,
               project_id=None, snapshot_id=None):
        """Create a volume (from ``image_id`` or the volume snapshot
        ``snapshot_id`` when given; ``size`` None: the snapshot's); returns
        its dict (status ``creating``)."""

    @abc.abstractmethod
    def delete(self, context, volume_id, project_id=None):
        """Delete a volume; one that is gone is not an error."""

    @abc.abstractmethod
    def attachment_create(self, context, volume_id, instance_uuid, connector=None,
                          mountpoint=None, project_id=None):
        """Reserve the volume for ``instance_uuid``; with a ``connector`` the
        answer carries ``connection_info``.  InvalidVolume when the volume
        cannot be attached (in use, not available)."""

    @abc.abstractmethod
    def attachment_update(self, context, attachment_id, connector, mountpoint=None,
                          project_id=None):
        """Send the host's connector; returns the attachment with its
        ``connection_info``."""

    @abc.abstractmethod
    def attachment_complete(self, context, attachment_id, project_id=None):
        """Mark the attachment attached (the volume becomes ``in-use``)."""

    @abc.abstractmethod
    def attachment_delete(self, context, attachment_id, project_id=None):
        """Delete the attachment; one that is gone is not an error."""

    @abc.abstractmethod
    def reimage(self, context, volume_id, image_id, reimage_reserved=False, project_id=None):
        """Have the volume service write the image over the volume
        (os-reimage, 3.68); it reports the end with ``volume-reimaged``.
        InvalidVolume when refused (status, image too big)."""

    # -- the os-volumes / os-snapshots proxies (below 2.36), with the user's token --

    @abc.abstractmethod
    def list(self, context):
        """Every volume the caller sees, with details (Cinder's order)."""

    @abc.abstractmethod
    def create_volume(self, context, size, name=None, description=None, volume_type=None,
                      snapshot_id=None, metadata=None, availability_zone=None):
        """Create a volume for a user (nova's os-volumes); its dict.
        InvalidVolume when refused, VolumeLimitExceeded over quota,
        SnapshotNotFound for an unknown ``snapshot_id``."""

    @abc.abstractmethod
    def delete_volume(self, context, volume_id):
        """Delete a volume for a user: VolumeNotFound when it is not there,
        InvalidVolume when the volume service refuses."""

    @abc.abstractmethod
    def snapshot_list(self, context):
        """Every snapshot the caller sees, with details."""

    @abc.abstractmethod
    def snapshot_get(self, context, snapshot_id):
        """A snapshot's dict; SnapshotNotFound otherwise."""

    @abc.abstractmethod
    def snapshot_create(self, context, volume_id, force=False, name=None, description=None):
        """Snapshot a volume (``force`` for one in use); the snapshot's dict.
        VolumeNotFound, InvalidVolume when refused."""

    @abc.abstractmethod
    def snapshot_delete(self, context, snapshot_id):
        """Delete a snapshot: SnapshotNotFound when it is not there."""

    @abc.abstractmethod
    def update_snapshot_status(self, context, snapshot_id, status, progress='90%'):
        """Tell the volume service how an assisted snapshot went
        (``os-update_snapshot_status``): ``creating`` / ``deleting`` with
        ``progress`` 90% when compute's part is done (the volume service
        finishes), ``error`` / ``error_deleting`` when it failed.
        SnapshotNotFound for an unknown snapshot, InvalidVolume when the
        volume service refuses the status."""

    @abc.abstractmethod
    def migrate_volume_completion(self, context, old_volume_id, new_volume_id, error=False,
                                  project_id=None):
        """Tell the volume service a swap of ``old_volume_id`` for
        ``new_volume_id`` is done (``os-migrate_volume_completion``, admin);
        answers the id the server's mapping keeps (``save_volume_id``: the
        new volume's, or the old one's when the volume service migrated it
        and gave the new volume the old id).  VolumeNotFound, InvalidVolume
        when refused."""


def subnet_info(subnet):
    """What network_data.json needs of a Neutron subnet (a static network
    there when DHCP is off): cidr, gateway, enable_dhcp, DNS, host routes."""
    return {'cidr': subnet.get('cidr'), 'gateway': subnet.get('gateway_ip'),
            'enable_dhcp': subnet.get('enable_dhcp', True),
            'dns_nameservers': list(subnet.get('dns_nameservers') or []),
            'host_routes': list(subnet.get('host_routes') or [])}


def _fixed_ip(ip, subnets, floating):
    entry = {'ip_address': ip['ip_address'],
             'version': 6 if ':' in ip['ip_address'] else 4}
    subnet = (subnets or {}).get(ip.get('subnet_id'))
    if subnet is not None:
        entry['subnet'] = subnet
    addresses = (floating or {}).get(ip['ip_address'])
    if addresses:
        entry['floating_ips'] = sorted(addresses)
    return entry


def floating_ips_by_fixed(floatingips):
    """fixed IP address -> floating IP addresses, from Neutron floating IPs."""
    result = {}
    for fip in floatingips:
        if fip.get('fixed_ip_address') and fip.get('floating_ip_address'):
            result.setdefault(fip['fixed_ip_address'], []).append(fip['floating_ip_address'])
    return result


def floating_ips_in(vif):
    """The same mapping, of a network_info entry."""
    return {ip['ip_address']: list(ip['floating_ips'])
            for ip in (vif or {}).get('fixed_ips') or [] if ip.get('floating_ips')}


def network_info_entry(port, network_name, subnets=None, floating=None):
    """One network_info item (what the ``addresses`` view is built from);
    ``subnets`` (id -> :func:`subnet_info`) adds each fixed IP's subnet,
    ``floating`` (:func:`floating_ips_by_fixed`) the floating IPs
    associated with it (``floating_ips``, only when there are some)."""
    return {'port_id': port['id'], 'network_id': port['network_id'],
            'network_name': network_name, 'mac_address': port.get('mac_address'),
            'fixed_ips': [_fixed_ip(ip, subnets, floating)
                          for ip in port.get('fixed_ips', [])],
            'preserve_on_delete': port.get('preserve_on_delete', False),
            # the port binding's (e.g. the OVS datapath the guest's NIC is on)
            'vif_details': port.get('binding:vif_details') or {},
            # Whether the network service had reported it wired when compute
            # took it: a build waits for network-vif-plugged of the others.
            'active': port.get('status') == 'ACTIVE'}
