"""The real ``openstack`` CLI on what the upstream conformance run needed:
``--tag`` on create, set and unset for every taggable resource, tag filters
on list, a floating IP on a port added with ``router add port``, and
``network rbac``."""

import pytest

from tests.functional.identity.cli import CLI
from tests.functional.network import test_cli

pytestmark = pytest.mark.functional


@pytest.fixture(scope='module')
def clouds(network_server, identity_server):
    test_cli._identity_setup(identity_server, network_server.url)
    extra = {'altostratus-%s' % n: identity_server.cloud_config(n, 'pw-' + n, n)
             for n in ('demo', 'alt')}
    path = identity_server.write_clouds_yaml(network_server.workdir / 'clouds.yaml', extra)
    return {'admin': CLI(identity_server, clouds_yaml=path),
            'demo': CLI(identity_server, 'altostratus-demo', path),
            'alt': CLI(identity_server, 'altostratus-alt', path)}


def _tags(shown):
    tags = shown.get('tags')
    return sorted(tags if isinstance(tags, list) else
                  [t.strip() for t in str(tags or '').split(',') if t.strip()])


def test_tags_on_create_set_unset_and_list(clouds):
    admin, demo = clouds['admin'], clouds['demo']
    admin.run('network', 'create', '--external', 'tag-public')
    admin.run('subnet', 'create', '--network', 'tag-public', '--subnet-range',
              '198.51.100.0/24', '--no-dhcp', 'tag-public-subnet')
    made = {
        'network': demo.json('network', 'create', '--tag', 'red', '--tag', 'blue', 'tnet'),
        'subnet': demo.json('subnet', 'create', '--network', 'tnet', '--subnet-range',
                            '10.40.0.0/24', '--tag', 'red', 'tsub'),
        'port': demo.json('port', 'create', '--network', 'tnet', '--tag', 'red', 'tport'),
        'router': demo.json('router', 'create', '--tag', 'red', 'trouter'),
        'security group': demo.json('security', 'group', 'create', '--tag', 'red', 'tsg'),
        'subnet pool': demo.json('subnet', 'pool', 'create', '--pool-prefix',
                                 '10.210.0.0/16', '--tag', 'red', 'tpool'),
        'floating ip': demo.json('floating', 'ip', 'create', '--tag', 'red', 'tag-public'),
    }
    assert _tags(made['network']) == ['blue', 'red']
    for kind, item in made.items():
        words = kind.split()
        shown = demo.json(*(words + ['show', item['id']]))
        assert 'red' in _tags(shown), kind
        demo.run(*(words + ['set', '--tag', 'green', item['id']]))
        demo.run(*(words + ['unset', '--tag', 'red', item['id']]))
        assert 'red' not in _tags(demo.json(*(words + ['show', item['id']]))), kind
        listed = demo.json(*(words + ['list', '--tags', 'green']))
        assert [row['ID'] for row in listed] == [item['id']], kind
        assert demo.json(*(words + ['list', '--not-tags', 'green'])) is not None
    assert [n['ID'] for n in demo.json('network', 'list', '--any-tags', 'blue,nothing')] == \
        [made['network']['id']]


def test_floating_ip_on_a_router_port_and_rbac(clouds):
    admin, demo, alt = clouds['admin'], clouds['demo'], clouds['alt']
    admin.run('network', 'create', '--external', 'rbac-public')
    admin.run('subnet', 'create', '--network', 'rbac-public', '--subnet-range',
              '192.0.2.0/24', '--no-dhcp', 'rbac-public-subnet')
    demo.run('network', 'create', 'inner')
    demo.run('subnet', 'create', '--network', 'inner', '--subnet-range', '10.41.0.0/24',
             'inner-subnet')
    port = demo.json('port', 'create', '--network', 'inner', 'router-side')
    demo.run('router', 'create', 'r-ports')
    demo.run('router', 'set', '--external-gateway', 'rbac-public', 'r-ports')
    demo.run('router', 'add', 'port', 'r-ports', 'router-side')
    fip = demo.json('floating', 'ip', 'create', 'rbac-public')
    demo.run('floating', 'ip', 'set', '--port', 'router-side', fip['id'])
    shown = demo.json('floating', 'ip', 'show', fip['id'])
    assert shown['port_id'] == port['id']
    demo.run('floating', 'ip', 'unset', '--port', fip['id'])

    demo.run('network', 'show', 'inner')
    alt.run('network', 'show', 'inner', expect_fail=True)
    projects = {p['Name']: p['ID'] for p in admin.json('project', 'list')}
    policy = demo.json('network', 'rbac', 'create', '--type', 'network', '--action',
                       'access_as_shared', '--target-project', projects['alt'], 'inner')
    assert policy['action'] == 'access_as_shared'
    listed = demo.json('network', 'rbac', 'list')
    assert policy['id'] in [row['ID'] for row in listed]
    net = alt.json('network', 'show', demo.json('network', 'show', 'inner')['id'])
    assert net['shared'] in (True, 'True')
    alt_port = alt.json('port', 'create', '--network', net['id'], 'guest-port')
    err = demo.run('network', 'rbac', 'delete', policy['id'], expect_fail=True)
    assert 'cannot be removed' in err
    alt.run('port', 'delete', alt_port['id'])
    demo.run('network', 'rbac', 'delete', policy['id'])
    alt.run('network', 'show', net['id'], expect_fail=True)
    aliases = [e['Alias'] for e in admin.json('extension', 'list', '--network')]
    for alias in ('standard-attr-tag', 'rbac-policies', 'extraroute-atomic',
                  'extra_dhcp_opt', 'metering', 'service-type'):
        assert alias in aliases, alias
