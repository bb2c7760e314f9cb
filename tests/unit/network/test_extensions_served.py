"""Every alias ``GET /v2.0/extensions`` announces is served: a collection
that answers, or attributes the resources carry. A new alias needs a probe
here."""

from services.network.api.controllers import extensions

# alias -> collections that must list (200), attributes a network / port /
# router / subnet must show.
COLLECTIONS = {
    'address-scope': ['/address-scopes'], 'agent': ['/agents'],
    'availability_zone': ['/availability_zones'], 'metering': [
        '/metering/metering-labels', '/metering/metering-label-rules'],
    'network-ip-availability': ['/network-ip-availabilities'],
    'qos': ['/qos/policies', '/qos/rule-types'], 'qos-rule-type-details': [
        '/qos/rule-types/bandwidth_limit'],
    'quotas': ['/quotas'], 'quota_details': ['/quotas/admin-project/details'],
    'rbac-policies': ['/rbac-policies'], 'router': ['/routers', '/floatingips'],
    'security-group': ['/security-groups', '/security-group-rules'],
    'service-type': ['/service-providers'], 'subnet_allocation': ['/subnetpools'],
    'default-subnetpools': ['/subnetpools?is_default=true'],
    'fields': ['/networks?fields=id'], 'pagination': ['/networks?limit=1'],
    'sorting': ['/networks?sort_key=name&sort_dir=asc'],
    'standard-attr-tag': ['/networks?tags=x'], 'tag': ['/networks?tags=x'],
    'trunk': ['/trunks'],
    'segment': ['/segments'],
}
ATTRIBUTES = {
    'allowed-address-pairs': ('port', 'allowed_address_pairs'),
    'binding': ('port', 'binding:vnic_type'), 'extra_dhcp_opt': ('port', 'extra_dhcp_opts'),
    'port-security': ('port', 'port_security_enabled'),
    'external-net': ('network', 'router:external'), 'net-mtu': ('network', 'mtu'),
    'provider': ('network', 'provider:network_type'),
    'multi-provider': ('network', 'provider:segmentation_id'),
    'project-id': ('network', 'project_id'),
    'standard-attr-description': ('network', 'description'),
    'standard-attr-revisions': ('network', 'revision_number'),
    'standard-attr-timestamp': ('network', 'created_at'),
    'ext-gw-mode': ('router', 'external_gateway_info'), 'extraroute': ('router', 'routes'),
    'stateful-security-group': ('security_group', 'stateful'),
    'qos-default': ('policy', 'is_default'),
}
# Extensions of a behaviour rather than a path, with the test that covers it.
BEHAVIOUR = {
    'filter-validation': 'test_listing', 'extraroute-atomic': 'test_conformance_fixes',
    'qos-bw-limit-direction': 'test_qos', 'qos-bw-minimum-ingress': 'test_qos',
    'metering_source_and_destination_fields': 'test_metering',
    'auto-allocated-topology': 'test_auto_allocate',
    'ip-substring-filtering': 'test_conformance_fixes',
    'l3_agent_scheduler': 'test_agent_scheduler', 'dhcp_agent_scheduler': 'test_agent_scheduler',
}


def test_every_announced_alias_is_served(api):
    announced = {e['alias'] for e in api.get('/extensions').json['extensions']}
    assert announced == {e[0] for e in extensions.EXTENSIONS}
    assert announced == set(COLLECTIONS) | set(ATTRIBUTES) | set(BEHAVIOUR)
    for alias, paths in COLLECTIONS.items():
        for path in paths:
            assert api.get(path).status_int == 200, (alias, path)
    net = api.network()
    api.subnet(net['id'])
    items = {'network': net, 'port': api.port(net['id']),
             'router': api.post('/routers', {'router': {'name': 'r'}}).json['router'],
             'security_group': api.post('/security-groups', {'security_group': {
                 'name': 'g'}}).json['security_group'],
             'policy': api.post('/qos/policies', {'policy': {'name': 'q'}}).json['policy']}
    for alias, (kind, attribute) in ATTRIBUTES.items():
        assert attribute in items[kind], alias
    for alias in announced:
        assert api.get('/extensions/%s' % alias).json['extension']['alias'] == alias
