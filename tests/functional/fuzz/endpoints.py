"""Every create, update and action endpoint of the four APIs with a valid
baseline request, and every collection with its filters.

A baseline is the request a real client sends (``$name`` strings are the
seeded resources' ids from :mod:`stack`); the suite mutates one part of it
at a time, so each hostile input travels past everything that comes before
the part it aims at.  ``who`` says whose token goes with it: ``member`` for
what a project member may do, ``admin`` for the rest, ``nobody`` for the
unauthenticated token request.
"""

import dataclasses

from tests.functional.fuzz import stack

JSON = 'application/json'
PATCH = 'application/openstack-images-v2.1-json-patch'
OCTETS = 'application/octet-stream'
#: compute's baseline microversion: tags and service ids as UUIDs exist from here
COMPUTE_VERSION = 'compute 2.53'


@dataclasses.dataclass(frozen=True)
class Endpoint:
    service: str
    method: str
    path: str                     # relative to the service root, with $ids
    body: object = None           # the baseline document (None: no body)
    who: str = 'member'
    content_type: str = JSON
    raw: bytes = None             # a non-JSON baseline body (uploads)

    @property
    def name(self):
        return '%s %s' % (self.method, self.path)


@dataclasses.dataclass(frozen=True)
class Collection:
    service: str
    path: str
    filters: tuple = ()           # query parameters this collection understands
    who: str = 'member'


def _e(service, method, path, body=None, **kw):
    return Endpoint(service, method, path, body, **kw)


_IDENTITY = [
    _e('identity', 'POST', '/v3/auth/tokens', {'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': 'demo-user', 'domain': {'id': 'default'}, 'password': 'wrong-password'}}},
        'scope': {'project': {'name': 'demo', 'domain': {'id': 'default'}}}}}, who='nobody'),
    _e('identity', 'POST', '/v3/users', {'user': {
        'name': 'fz-user', 'password': 'fz-secret', 'domain_id': 'default',
        'description': 'fuzzed', 'email': 'fz@example.org', 'enabled': True}}, who='admin'),
    _e('identity', 'PATCH', '/v3/users/$user_id', {'user': {
        'description': 'fuzzed', 'enabled': True, 'email': 'fz@example.org'}}, who='admin'),
    # The original password is wrong on purpose: the member keeps its own.
    _e('identity', 'POST', '/v3/users/$demo_user_id/password', {'user': {
        'original_password': 'not-the-password', 'password': 'fz-new-secret'}}),
    _e('identity', 'POST', '/v3/users/$demo_user_id/application_credentials', {
        'application_credential': {'name': 'fz-appcred', 'description': 'fuzzed',
                                   'expires_at': None, 'roles': [{'name': 'member'}],
                                   'unrestricted': False}}),
    _e('identity', 'POST', '/v3/projects', {'project': {
        'name': 'fz-project', 'domain_id': 'default', 'description': 'fuzzed',
        'enabled': True, 'tags': ['fz']}}, who='admin'),
    _e('identity', 'PATCH', '/v3/projects/$project_id', {'project': {
        'description': 'fuzzed', 'enabled': True}}, who='admin'),
    _e('identity', 'PUT', '/v3/projects/$project_id/tags', {'tags': ['fz', 'fuzz']},
       who='admin'),
    _e('identity', 'PUT', '/v3/projects/$project_id/tags/fz-tag', who='admin'),
    _e('identity', 'POST', '/v3/domains', {'domain': {
        'name': 'fz-domain', 'description': 'fuzzed', 'enabled': False}}, who='admin'),
    _e('identity', 'PATCH', '/v3/domains/$domain_id', {'domain': {'description': 'fuzzed'}},
       who='admin'),
    _e('identity', 'POST', '/v3/groups', {'group': {
        'name': 'fz-group', 'domain_id': 'default', 'description': 'fuzzed'}}, who='admin'),
    _e('identity', 'PATCH', '/v3/groups/$group_id', {'group': {'description': 'fuzzed'}},
       who='admin'),
    _e('identity', 'PUT', '/v3/groups/$group_id/users/$user_id', who='admin'),
    _e('identity', 'POST', '/v3/roles', {'role': {'name': 'fz-role', 'description': 'x'}},
       who='admin'),
    _e('identity', 'PATCH', '/v3/roles/$role_id', {'role': {'description': 'fuzzed'}},
       who='admin'),
    _e('identity', 'PUT', '/v3/projects/$project_id/users/$user_id/roles/$reader_role_id',
       who='admin'),
    _e('identity', 'POST', '/v3/regions', {'region': {
        'id': 'FzRegion', 'description': 'fuzzed', 'parent_region_id': 'RegionOne'}},
       who='admin'),
    _e('identity', 'PATCH', '/v3/regions/$region_id', {'region': {'description': 'fuzzed'}},
       who='admin'),
    _e('identity', 'POST', '/v3/services', {'service': {
        'type': 'fz', 'name': 'fz-service', 'description': 'fuzzed', 'enabled': True}},
       who='admin'),
    _e('identity', 'PATCH', '/v3/services/$service_id', {'service': {'enabled': True}},
       who='admin'),
    _e('identity', 'POST', '/v3/endpoints', {'endpoint': {
        'service_id': '$service_id', 'interface': 'internal', 'url': 'http://192.0.2.2/',
        'region_id': 'RegionOne', 'enabled': True}}, who='admin'),
    _e('identity', 'PATCH', '/v3/endpoints/$endpoint_id', {'endpoint': {
        'url': 'http://192.0.2.3/', 'enabled': True}}, who='admin'),
    _e('identity', 'POST', '/v3/credentials', {'credential': {
        'type': 'ec2', 'user_id': '$demo_user_id', 'project_id': '$demo_project_id',
        'blob': '{"access": "fz-access", "secret": "fz-secret"}'}}),
    _e('identity', 'PATCH', '/v3/credentials/$credential_id', {'credential': {
        'blob': '{"access": "fz-access-2", "secret": "fz-secret"}'}}, who='admin'),
]

_IMAGE = [
    _e('image', 'POST', '/v2/images', {
        'name': 'fz-image', 'disk_format': 'raw', 'container_format': 'bare',
        'visibility': 'private', 'min_disk': 0, 'min_ram': 0, 'protected': False,
        'tags': ['fz'], 'fz_property': 'fuzzed'}),
    _e('image', 'PATCH', '/v2/images/$image_id', [
        {'op': 'replace', 'path': '/name', 'value': 'fz-renamed'},
        {'op': 'replace', 'path': '/min_ram', 'value': 64},
        {'op': 'add', 'path': '/fz_other', 'value': 'fuzzed'}], content_type=PATCH),
    _e('image', 'POST', '/v2/images/$image_id/members', {'member': '$project_id'}),
    _e('image', 'PUT', '/v2/images/$image_id/members/$other_project_id',
       {'status': 'accepted'}, who='admin'),
    _e('image', 'PUT', '/v2/images/$image_id/tags/fz-tag-2'),
    _e('image', 'POST', '/v2/images/$image_id/actions/deactivate', who='admin'),
    _e('image', 'POST', '/v2/images/$image_id/actions/reactivate', who='admin'),
    _e('image', 'POST', '/v2/images/$image_id/import', {'method': {'name': 'glance-direct'}}),
    _e('image', 'PUT', '/v2/images/$image_id/file', content_type=OCTETS,
       raw=b'fuzzed image bytes\n' * 8),
]

_NETWORK = [
    _e('network', 'POST', '/v2.0/networks', {'network': {
        'name': 'fz-net', 'admin_state_up': True, 'description': 'fuzzed', 'mtu': 1450,
        'port_security_enabled': True, 'dns_domain': 'fz.example.org.'}}),
    _e('network', 'POST', '/v2.0/networks', {'network': {
        'name': 'fz-provider', 'shared': False, 'router:external': False,
        'provider:network_type': 'vlan', 'provider:physical_network': 'physnet1',
        'provider:segmentation_id': 1234}}, who='admin'),
    _e('network', 'PUT', '/v2.0/networks/$network_id', {'network': {
        'name': 'fz-net-2', 'description': 'fuzzed', 'admin_state_up': True,
        'mtu': 1400}}),
    _e('network', 'POST', '/v2.0/subnets', {'subnet': {
        'network_id': '$network_id', 'ip_version': 4, 'cidr': '10.9.8.0/24',
        'name': 'fz-subnet', 'gateway_ip': '10.9.8.1', 'enable_dhcp': True,
        'allocation_pools': [{'start': '10.9.8.10', 'end': '10.9.8.100'}],
        'dns_nameservers': ['192.0.2.53'],
        'host_routes': [{'destination': '192.0.2.0/24', 'nexthop': '10.9.8.254'}]}}),
    _e('network', 'POST', '/v2.0/subnets', {'subnet': {
        'network_id': '$network_id', 'ip_version': 6, 'cidr': 'fd00:9::/64',
        'ipv6_ra_mode': 'slaac', 'ipv6_address_mode': 'slaac'}}),
    _e('network', 'PUT', '/v2.0/subnets/$subnet_id', {'subnet': {
        'name': 'fz-subnet-2', 'enable_dhcp': False, 'dns_nameservers': ['192.0.2.54'],
        'allocation_pools': [{'start': '10.9.0.10', 'end': '10.9.0.200'}]}}),
    _e('network', 'POST', '/v2.0/subnetpools', {'subnetpool': {
        'name': 'fz-pool', 'prefixes': ['198.18.0.0/16'], 'default_prefixlen': 24,
        'min_prefixlen': 16, 'max_prefixlen': 28}}, who='admin'),
    _e('network', 'PUT', '/v2.0/subnetpools/$subnetpool_id', {'subnetpool': {
        'name': 'fz-pool-2', 'default_prefixlen': 27}}, who='admin'),
    _e('network', 'POST', '/v2.0/ports', {'port': {
        'network_id': '$network_id', 'name': 'fz-port', 'admin_state_up': True,
        'fixed_ips': [{'subnet_id': '$subnet_id'}],
        'security_groups': ['$security_group_id'],
        'allowed_address_pairs': [{'ip_address': '10.9.0.200'}],
        'binding:vnic_type': 'normal', 'description': 'fuzzed'}}),
    _e('network', 'PUT', '/v2.0/ports/$port_id', {'port': {
        'name': 'fz-port-2', 'device_id': 'fz-device', 'device_owner': 'compute:nova',
        'admin_state_up': True}}),
    # The binding and SNAT attributes are the admin's.
    _e('network', 'PUT', '/v2.0/ports/$port_id', {'port': {
        'binding:host_id': 'fz-host', 'binding:profile': {'fz': 'x'}}}, who='admin'),
    _e('network', 'PUT', '/v2.0/routers/$router_id', {'router': {
        'external_gateway_info': {'network_id': '$external_network_id',
                                  'enable_snat': False}}}, who='admin'),
    _e('network', 'POST', '/v2.0/routers', {'router': {
        'name': 'fz-router', 'admin_state_up': True,
        'external_gateway_info': {'network_id': '$external_network_id'}}}),
    _e('network', 'PUT', '/v2.0/routers/$router_id', {'router': {
        'name': 'fz-router-2', 'routes': [], 'description': 'fuzzed'}}),
    _e('network', 'PUT', '/v2.0/routers/$router_id/add_router_interface',
       {'subnet_id': '$subnet_id'}),
    _e('network', 'PUT', '/v2.0/routers/$router_id/remove_router_interface',
       {'subnet_id': '$subnet_id'}),
    _e('network', 'POST', '/v2.0/floatingips', {'floatingip': {
        'floating_network_id': '$external_network_id', 'description': 'fuzzed'}}),
    _e('network', 'PUT', '/v2.0/floatingips/$floatingip_id', {'floatingip': {
        'port_id': None, 'description': 'fuzzed'}}),
    _e('network', 'POST', '/v2.0/security-groups', {'security_group': {
        'name': 'fz-sg', 'description': 'fuzzed', 'stateful': True}}),
    _e('network', 'PUT', '/v2.0/security-groups/$security_group_id', {'security_group': {
        'name': 'fz-sg-2', 'description': 'fuzzed'}}),
    _e('network', 'POST', '/v2.0/security-group-rules', {'security_group_rule': {
        'security_group_id': '$security_group_id', 'direction': 'ingress',
        'ethertype': 'IPv4', 'protocol': 'tcp', 'port_range_min': 80,
        'port_range_max': 81, 'remote_ip_prefix': '192.0.2.0/24'}}),
    _e('network', 'PUT', '/v2.0/quotas/$demo_project_id', {'quota': {
        'network': 50, 'port': 200, 'router': 10}}, who='admin'),
]


def _action(name, args, who='member', server='$server_id'):
    return _e('compute', 'POST', '/v2.1/servers/%s/action' % server, {name: args}, who=who)


_COMPUTE = [
    _e('compute', 'POST', '/v2.1/servers', {
        'server': {'name': 'fz-server', 'imageRef': '$public_image_id',
                   'flavorRef': '$flavor_id', 'networks': [{'uuid': '$shared_network_id'}],
                   'metadata': {'fz': 'fuzzed'}, 'key_name': '$keypair_name',
                   'user_data': 'IyEvYmluL3NoCmVjaG8gZnV6emVkCg==',
                   'security_groups': [{'name': 'default'}], 'description': 'fuzzed',
                   'min_count': 1, 'max_count': 1, 'tags': ['fz']},
        'os:scheduler_hints': {'group': '$server_group_id'}}),
    _e('compute', 'PUT', '/v2.1/servers/$server_id', {'server': {
        'name': 'fz-server-2', 'description': 'fuzzed'}}),
    _action('reboot', {'type': 'SOFT'}),
    _action('os-stop', None),
    _action('os-start', None),
    _action('pause', None),
    _action('unpause', None),
    _action('suspend', None),
    _action('resume', None),
    _action('lock', None),
    _action('unlock', None),
    _action('resize', {'flavorRef': '$flavor_small_id', 'OS-DCF:diskConfig': 'AUTO'}),
    _action('confirmResize', None),
    _action('revertResize', None),
    _action('rebuild', {'imageRef': '$public_image_id', 'name': 'fz-rebuilt',
                        'metadata': {'fz': 'rebuilt'}}),
    _action('createImage', {'name': 'fz-snapshot', 'metadata': {'fz': 'snap'}}),
    _action('os-getConsoleOutput', {'length': 10}),
    _action('addSecurityGroup', {'name': 'default'}),
    _action('removeSecurityGroup', {'name': 'default'}),
    _action('rescue', {'adminPass': 'fz-rescue-pass'}),
    _action('unrescue', None),
    _action('shelve', None),
    _action('unshelve', None),
    # The admin's state-forcing actions get a server of their own: a state
    # reset racing an in-flight task would leave the member's server
    # half-done, which no input check is about.
    _action('migrate', None, who='admin', server='$admin_server_id'),
    _action('evacuate', {'host': '$compute_host'}, who='admin', server='$admin_server_id'),
    _action('os-resetState', {'state': 'active'}, who='admin', server='$admin_server_id'),
    _e('compute', 'POST', '/v2.1/servers/$server_id/metadata', {'metadata': {'fz': 'x'}}),
    _e('compute', 'PUT', '/v2.1/servers/$server_id/metadata', {'metadata': {'fz': 'y'}}),
    _e('compute', 'PUT', '/v2.1/servers/$server_id/metadata/fz', {'meta': {'fz': 'z'}}),
    _e('compute', 'PUT', '/v2.1/servers/$server_id/tags', {'tags': ['fz', 'fuzz']}),
    _e('compute', 'PUT', '/v2.1/servers/$server_id/tags/fz-tag'),
    _e('compute', 'POST', '/v2.1/servers/$server_id/os-interface', {
        'interfaceAttachment': {'net_id': '$shared_network_id'}}),
    _e('compute', 'POST', '/v2.1/flavors', {'flavor': {
        'name': 'fz-flavor', 'ram': 64, 'vcpus': 1, 'disk': 1,
        'OS-FLV-EXT-DATA:ephemeral': 0, 'swap': 0, 'rxtx_factor': 1.0,
        'os-flavor-access:is_public': True}}, who='admin'),
    _e('compute', 'POST', '/v2.1/flavors/$flavor_id/action', {
        'addTenantAccess': {'tenant': '$demo_project_id'}}, who='admin'),
    _e('compute', 'POST', '/v2.1/flavors/$flavor_id/os-extra_specs', {
        'extra_specs': {'hw:cpu_policy': 'shared', 'quota:cpu_shares': 1024}}, who='admin'),
    _e('compute', 'PUT', '/v2.1/flavors/$flavor_id/os-extra_specs/hw:cpu_policy', {
        'hw:cpu_policy': 'shared'}, who='admin'),
    _e('compute', 'POST', '/v2.1/os-keypairs', {'keypair': {
        'name': 'fz-key', 'public_key': stack.PUBLIC_KEY, 'type': 'ssh'}}),
    _e('compute', 'POST', '/v2.1/os-server-groups', {'server_group': {
        'name': 'fz-group', 'policies': ['affinity']}}),
    _e('compute', 'POST', '/v2.1/os-aggregates', {'aggregate': {
        'name': 'fz-aggregate', 'availability_zone': 'fz-zone'}}, who='admin'),
    _e('compute', 'PUT', '/v2.1/os-aggregates/$aggregate_id', {'aggregate': {
        'name': 'fz-aggregate-2'}}, who='admin'),
    _e('compute', 'POST', '/v2.1/os-aggregates/$aggregate_id/action', {
        'set_metadata': {'metadata': {'fz': 'fuzzed'}}}, who='admin'),
    _e('compute', 'POST', '/v2.1/os-aggregates/$aggregate_id/action', {
        'add_host': {'host': '$compute_host'}}, who='admin'),
    _e('compute', 'PUT', '/v2.1/os-quota-sets/$demo_project_id', {'quota_set': {
        'instances': 20, 'cores': 40, 'ram': 51200, 'key_pairs': 100}}, who='admin'),
    _e('compute', 'PUT', '/v2.1/os-services/$compute_service_id', {'status': 'enabled'},
       who='admin'),
    # a volume attached to no server: the baseline is nova's 400
    _e('compute', 'POST', '/v2.1/os-assisted-volume-snapshots', {'snapshot': {
        'volume_id': '5b8ce8cb-0000-4000-8000-00000000f023', 'create_info': {
            'snapshot_id': 'fz-snap', 'type': 'qcow2', 'new_file': 'fz-file',
            'id': 'fz-id'}}}, who='admin'),
]

ENDPOINTS = {'identity': _IDENTITY, 'image': _IMAGE, 'network': _NETWORK,
             'compute': _COMPUTE}

_PAGING = ('limit', 'marker', 'sort_key', 'sort_dir')
COLLECTIONS = {
    'identity': [
        Collection('identity', '/v3/users', ('name', 'enabled', 'domain_id'), 'admin'),
        Collection('identity', '/v3/projects', ('name', 'enabled', 'domain_id', 'tags',
                                                'parent_id', 'is_domain'), 'admin'),
        Collection('identity', '/v3/domains', ('name', 'enabled'), 'admin'),
        Collection('identity', '/v3/groups', ('name', 'domain_id'), 'admin'),
        Collection('identity', '/v3/roles', ('name', 'domain_id'), 'admin'),
        Collection('identity', '/v3/role_assignments', (
            'user.id', 'group.id', 'scope.project.id', 'role.id', 'effective',
            'include_names'), 'admin'),
        Collection('identity', '/v3/regions', ('parent_region_id',), 'admin'),
        Collection('identity', '/v3/services', ('type', 'name'), 'admin'),
        Collection('identity', '/v3/endpoints', ('interface', 'service_id', 'region_id'),
                   'admin'),
        Collection('identity', '/v3/credentials', ('user_id', 'type')),
        Collection('identity', '/v3/users/$demo_user_id/projects', ('enabled', 'name')),
        Collection('identity', '/v3/auth/projects'),
        Collection('identity', '/v3/auth/catalog'),
    ],
    'image': [
        Collection('image', '/v2/images', _PAGING + (
            'name', 'visibility', 'status', 'owner', 'tag', 'member_status', 'size_min',
            'size_max', 'os_hidden', 'protected', 'created_at', 'disk_format')),
        Collection('image', '/v2/images/$image_id/members'),
        Collection('image', '/v2/schemas/image'),
        Collection('image', '/v2/info/import'),
    ],
    'network': [Collection('network', '/v2.0/' + c, _PAGING + (
        'fields', 'page_reverse', 'id', 'name', 'project_id', 'tenant_id', 'admin_state_up',
        'status', 'shared', 'network_id', 'device_id', 'router:external'))
        for c in ('networks', 'subnets', 'subnetpools', 'ports', 'routers', 'floatingips',
                  'security-groups', 'security-group-rules')] + [
        Collection('network', '/v2.0/quotas', (), 'admin'),
        Collection('network', '/v2.0/agents', ('agent_type', 'host'), 'admin'),
        Collection('network', '/v2.0/network-ip-availabilities', ('network_id',), 'admin'),
        Collection('network', '/v2.0/extensions'),
        Collection('network', '/v2.0/availability_zones', ('state', 'resource')),
    ],
    'compute': [
        Collection('compute', '/v2.1/servers', _PAGING + (
            'name', 'status', 'image', 'flavor', 'changes-since', 'all_tenants', 'host',
            'tags', 'deleted', 'ip', 'project_id')),
        Collection('compute', '/v2.1/servers/detail', _PAGING + ('name', 'all_tenants')),
        Collection('compute', '/v2.1/flavors', _PAGING + ('minRam', 'minDisk', 'is_public')),
        Collection('compute', '/v2.1/flavors/detail', ('minRam', 'minDisk')),
        Collection('compute', '/v2.1/os-keypairs', ('user_id', 'limit', 'marker')),
        Collection('compute', '/v2.1/os-server-groups', ('all_projects', 'limit', 'offset')),
        Collection('compute', '/v2.1/os-aggregates', (), 'admin'),
        Collection('compute', '/v2.1/os-services', ('host', 'binary'), 'admin'),
        Collection('compute', '/v2.1/os-hypervisors/detail', ('limit', 'marker'), 'admin'),
        Collection('compute', '/v2.1/limits', ('tenant_id', 'reserved')),
        Collection('compute', '/v2.1/os-simple-tenant-usage', ('start', 'end', 'detailed')),
        Collection('compute', '/v2.1/os-availability-zone/detail', (), 'admin'),
        Collection('compute', '/v2.1/servers/$server_id/os-instance-actions',
                   ('limit', 'marker', 'changes-since')),
        Collection('compute', '/v2.1/os-quota-sets/$demo_project_id/detail', ('user_id',)),
    ],
}


def fill(value, ids):
    """The baseline with its ``$name`` strings replaced by seeded ids."""
    if isinstance(value, str):
        if value.startswith('$'):
            return ids[value[1:]]
        return value
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


def fill_path(path, ids):
    parts = path.split('/')
    return '/'.join(str(ids[p[1:]]) if p.startswith('$') else p for p in parts)
