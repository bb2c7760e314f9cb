"""The real ``openstack`` CLI against alto-network-api behind keystonemiddleware."""

import secrets
import pathlib
import subprocess
import sys

import pytest

from tests.functional.identity.cli import CLI

pytestmark = pytest.mark.functional

#: the checkout, where ``python -m tests...`` finds the package
REPO = pathlib.Path(__file__).resolve().parents[3]


def _identity_setup(identity_server, network_url):
    """Catalog entry and two member users, made through the identity REST API
    (the CLI-driven part of the module is the network service itself)."""
    from keystoneauth1 import session as ks_session
    from keystoneauth1.identity import v3

    auth = v3.Password(auth_url=identity_server.url, username=identity_server.admin_user,
                       password=identity_server.admin_password,
                       project_name=identity_server.admin_project,
                       user_domain_id='default', project_domain_id='default')
    sess = ks_session.Session(auth=auth)
    ep = {'service_type': 'identity', 'interface': 'public'}
    service = sess.post('/services', json={'service': {'type': 'network', 'name': 'neutron'}},
                        endpoint_filter=ep).json()['service']
    for interface in ('public', 'internal', 'admin'):
        sess.post('/endpoints', endpoint_filter=ep, json={'endpoint': {
            'service_id': service['id'], 'interface': interface, 'url': network_url,
            'region_id': 'RegionOne'}})
    roles = sess.get('/roles?name=member', endpoint_filter=ep).json()['roles']
    for name in ('demo', 'alt'):
        project = sess.post('/projects', endpoint_filter=ep, json={'project': {
            'name': name, 'domain_id': 'default'}}).json()['project']
        user = sess.post('/users', endpoint_filter=ep, json={'user': {
            'name': name, 'password': 'pw-' + name, 'domain_id': 'default',
            'default_project_id': project['id']}}).json()['user']
        sess.put('/projects/%s/users/%s/roles/%s' % (project['id'], user['id'],
                                                     roles[0]['id']), endpoint_filter=ep)


@pytest.fixture(scope='module')
def clouds(network_server, identity_server):
    _identity_setup(identity_server, network_server.url)
    extra = {'altostratus-%s' % n: identity_server.cloud_config(n, 'pw-' + n, n)
             for n in ('demo', 'alt')}
    path = identity_server.write_clouds_yaml(network_server.workdir / 'clouds.yaml', extra)
    return {'admin': CLI(identity_server, clouds_yaml=path),
            'demo': CLI(identity_server, 'altostratus-demo', path),
            'alt': CLI(identity_server, 'altostratus-alt', path)}


def _quota(cli, project):
    shown = cli.json('quota', 'show', '--network', project)
    if isinstance(shown, list):
        shown = {row['Resource']: row['Limit'] for row in shown}
    return shown.get('networks', shown.get('network'))


def test_devstack_like_topology_and_floating_ip(clouds):
    admin, demo = clouds['admin'], clouds['demo']
    public = admin.json('network', 'create', '--external', '--provider-network-type', 'flat',
                        '--provider-physical-network', 'public', 'public')
    assert public['router:external'] in (True, 'External')
    admin.run('subnet', 'create', '--network', 'public', '--subnet-range', '203.0.113.0/24',
              '--no-dhcp', '--gateway', '203.0.113.1', 'public-subnet')
    demo.json('network', 'create', 'private')
    subnet = demo.json('subnet', 'create', '--network', 'private', '--subnet-range',
                       '10.0.0.0/24', '--dns-nameserver', '192.0.2.53', 'private-subnet')
    assert subnet['gateway_ip'] == '10.0.0.1'
    demo.run('router', 'create', 'router1')
    demo.run('router', 'set', '--external-gateway', 'public', 'router1')
    demo.run('router', 'add', 'subnet', 'router1', 'private-subnet')
    router = demo.json('router', 'show', 'router1')
    assert 'public' in str(router['external_gateway_info']) or \
        public['id'] in str(router['external_gateway_info'])
    err = demo.run('router', 'add', 'subnet', 'router1', 'private-subnet', expect_fail=True)
    assert 'already has a port' in err
    port = demo.json('port', 'create', '--network', 'private', '--fixed-ip',
                     'subnet=private-subnet,ip-address=10.0.0.50', 'vm-port')
    assert '10.0.0.50' in str(port['fixed_ips'])
    err = demo.run('port', 'create', '--network', 'private', '--fixed-ip',
                   'subnet=private-subnet,ip-address=10.0.0.50', 'dup', expect_fail=True)
    assert 'in use' in err
    err = demo.run('port', 'create', '--network', 'private', '--fixed-ip',
                   'subnet=private-subnet,ip-address=10.9.9.9', 'bad', expect_fail=True)
    assert 'not a valid IP' in err
    fip = demo.json('floating', 'ip', 'create', 'public')
    assert fip['floating_ip_address'].startswith('203.0.113.')
    demo.run('floating', 'ip', 'set', '--port', 'vm-port', fip['floating_ip_address'])
    shown = demo.json('floating', 'ip', 'show', fip['id'])
    assert shown['fixed_ip_address'] == '10.0.0.50'
    demo.run('floating', 'ip', 'unset', '--port', fip['id'])
    demo.run('floating', 'ip', 'delete', fip['id'])
    err = demo.run('network', 'delete', 'private', expect_fail=True)
    assert 'in use' in err or 'ports' in err
    err = demo.run('subnet', 'create', '--network', 'private', '--subnet-range',
                   '10.0.0.128/25', 'overlap', expect_fail=True)
    assert 'overlaps' in err


@pytest.mark.heavy
def test_resource_set_unset_delete(clouds):
    demo = clouds['demo']
    demo.run('network', 'create', 'scratch')
    demo.run('network', 'set', '--name', 'scratch2', '--description', 'hello', 'scratch')
    assert demo.json('network', 'show', 'scratch2')['description'] == 'hello'
    demo.run('subnet', 'create', '--network', 'scratch2', '--subnet-range', '10.7.0.0/24',
             'scratch-subnet')
    demo.run('subnet', 'set', '--dns-nameserver', '192.0.2.1', 'scratch-subnet')
    demo.run('subnet', 'unset', '--dns-nameserver', '192.0.2.1', 'scratch-subnet')
    assert demo.json('subnet', 'show', 'scratch-subnet')['dns_nameservers'] == []
    demo.run('port', 'create', '--network', 'scratch2', 'p1')
    demo.run('port', 'set', '--name', 'p2', '--description', 'd', 'p1')
    demo.run('port', 'unset', '--security-group', 'default', 'p2')
    assert demo.json('port', 'show', 'p2')['security_group_ids'] in ([], None, '')
    demo.run('port', 'delete', 'p2')
    sg = demo.json('security', 'group', 'create', 'web')
    rule = demo.json('security', 'group', 'rule', 'create', '--protocol', 'tcp',
                     '--dst-port', '22', '--remote-ip', '0.0.0.0/0', 'web')
    assert rule['port_range_min'] == 22
    assert len(demo.json('security', 'group', 'rule', 'list', 'web')) == 3
    demo.run('security', 'group', 'rule', 'delete', rule['id'])
    demo.run('security', 'group', 'delete', sg['id'])
    demo.run('subnet', 'delete', 'scratch-subnet')
    demo.run('network', 'delete', 'scratch2')


def test_projects_are_separate(clouds):
    demo, alt = clouds['demo'], clouds['alt']
    alt.run('network', 'create', 'alt-private')
    alt.run('subnet', 'create', '--network', 'alt-private', '--subnet-range', '10.0.0.0/24',
            'alt-subnet')
    demo_net = demo.json('network', 'create', 'secret-net')
    names = [n['Name'] for n in alt.json('network', 'list')]
    assert 'secret-net' not in names and 'alt-private' in names
    alt.run('network', 'show', demo_net['id'], expect_fail=True)
    alt.run('network', 'delete', demo_net['id'], expect_fail=True)
    alt.run('network', 'set', '--name', 'x', demo_net['id'], expect_fail=True)
    demo.run('network', 'delete', demo_net['id'])


def test_admin_views(clouds):
    admin, demo = clouds['admin'], clouds['demo']
    assert admin.json('network', 'agent', 'list') == []
    aliases = [e['Alias'] for e in admin.json('extension', 'list', '--network')]
    assert 'router' in aliases and 'security-group' in aliases
    assert _quota(admin, 'demo') == 100
    admin.run('quota', 'set', '--networks', '20', 'demo')
    assert _quota(admin, 'demo') == 20
    assert demo.json('network', 'agent', 'list') == []  # neutron: 200, none listed


def _agent_rpc(network_server, *args):
    """The agents' RPC from a process of its own (see ``agent_rpc``)."""
    proc = subprocess.run(
        [sys.executable, '-m', 'tests.functional.network.agent_rpc', '--config-file',
         str(network_server.config_file), '--'] + list(args),
        capture_output=True, text=True, timeout=60, check=False, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.split()


@pytest.mark.heavy
def test_agent_scheduling(clouds, network_server):
    """Routers on L3 agents and networks on DHCP agents, moved with the CLI;
    what each agent's sync then returns. Runs last: it registers agents."""
    admin, demo = clouds['admin'], clouds['demo']
    hosts = ['sched-%s-%s' % (n, secrets.token_hex(3)) for n in ('a', 'b')]
    _agent_rpc(network_server, 'report', 'l3', *hosts)
    _agent_rpc(network_server, 'report', 'dhcp', *hosts)
    agents = {(a['Agent Type'], a['Host']): a['ID']
              for a in admin.json('network', 'agent', 'list')}
    admin.run('network', 'create', 'sched-net')
    net = admin.json('subnet', 'create', '--network', 'sched-net', '--subnet-range',
                     '10.9.0.0/24', 'sched-subnet')['network_id']
    router = admin.json('router', 'create', 'sched-router')['id']

    (l3,) = admin.json('network', 'agent', 'list', '--router', 'sched-router')
    first = l3['Host']
    second = hosts[1] if first == hosts[0] else hosts[0]
    # (the earlier tests' routers had no agent: the first full sync takes them)
    assert router in _agent_rpc(network_server, 'routers', first)
    admin.run('network', 'agent', 'remove', 'router', '--l3', agents['L3 agent', first],
              'sched-router')
    admin.run('network', 'agent', 'add', 'router', '--l3', agents['L3 agent', second],
              'sched-router')
    assert [a['Host'] for a in admin.json('network', 'agent', 'list', '--router',
                                          'sched-router')] == [second]
    assert router not in _agent_rpc(network_server, 'routers', first)
    assert router in _agent_rpc(network_server, 'routers', second)

    _agent_rpc(network_server, 'report', 'dhcp', *hosts)  # a heartbeat: alive again
    (dhcp,) = admin.json('network', 'agent', 'list', '--network', 'sched-net')
    first = dhcp['Host']
    second = hosts[1] if first == hosts[0] else hosts[0]
    admin.run('network', 'agent', 'add', 'network', '--dhcp', agents['DHCP agent', second],
              'sched-net')
    assert sorted(a['Host'] for a in admin.json('network', 'agent', 'list', '--network',
                                                'sched-net')) == sorted(hosts)
    admin.run('network', 'agent', 'remove', 'network', '--dhcp', agents['DHCP agent', first],
              'sched-net')
    assert net not in _agent_rpc(network_server, 'networks', first)
    assert net in _agent_rpc(network_server, 'networks', second)
    # Admin only, as neutron's policy.
    demo.run('network', 'agent', 'list', '--router', router, expect_fail=True)
    demo.run('network', 'agent', 'add', 'router', '--l3', agents['L3 agent', first], router,
             expect_fail=True)
