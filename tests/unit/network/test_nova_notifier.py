"""Port events for compute: which port changes make which event, batching,
and a compute API that is down never holding up the agent RPC."""

import logging
import threading
import time
import uuid

import oslo_messaging as messaging
import pytest
from oslo_config import cfg

from common import context
from common import rpc
from services.network.agents.rpc import rpcapi as agent_rpcapi
from services.network.conductor import nova_notifier
from services.network.conf import nova as nova_conf

CONF = cfg.CONF
HOST = 'node1'
OVS_STATE = {'agent_type': 'Open vSwitch agent', 'binary': 'alto-ovs-agent',
             'topic': 'N/A', 'host': HOST, 'configurations': {}, 'start_flag': True}


@pytest.fixture
def nova_opts(transport):
    nova_conf.register_opts(CONF)
    CONF.set_override('send_events_interval', 0)
    yield
    CONF.clear_override('send_events_interval')


class Recorder:
    """Stands for compute: records each batch; ``down`` makes it fail."""

    def __init__(self, down=False, delay=0):
        self.batches = []
        self.attempts = 0
        self.down = down
        self.delay = delay
        self.sent = threading.Event()

    def __call__(self, events):
        self.attempts += 1
        time.sleep(self.delay)
        if self.down:
            return False
        self.batches.append(list(events))
        self.sent.set()
        return True


def server_port(status='ACTIVE', **extra):
    return dict({'id': str(uuid.uuid4()), 'device_owner': 'compute:nova',
                 'device_id': str(uuid.uuid4()), 'binding:host_id': HOST,
                 'status': status}, **extra)


def test_which_port_changes_are_events_for_compute():
    port = server_port()
    assert nova_notifier.status_event(port) == {
        'name': 'network-vif-plugged', 'server_uuid': port['device_id'],
        'tag': port['id'], 'status': 'completed'}
    assert nova_notifier.status_event(dict(port, status='DOWN'))['name'] == \
        'network-vif-unplugged'
    assert nova_notifier.delete_event(port)['name'] == 'network-vif-deleted'
    # Not a server's port, not bound, no device, a status agents do not report.
    assert nova_notifier.status_event(dict(port, device_owner='network:dhcp')) is None
    assert nova_notifier.status_event(dict(port, **{'binding:host_id': ''})) is None
    assert nova_notifier.status_event(dict(port, device_id='')) is None
    assert nova_notifier.status_event(dict(port, status='BUILD')) is None
    assert nova_notifier.delete_event(dict(port, device_owner='')) is None


def test_events_gathered_into_one_request(nova_opts):
    compute = Recorder()
    notifier = nova_notifier.NovaNotifier(send=compute, interval=0.5)
    ports = [server_port() for _ in range(3)]
    for port in ports:
        notifier.port_status_changed(port)
    notifier.port_deleted(ports[0])
    notifier.port_status_changed(dict(ports[1], device_owner='network:router_interface'))
    assert notifier.flush()
    assert len(compute.batches) == 1
    assert [(e['name'], e['tag']) for e in compute.batches[0]] == [
        ('network-vif-plugged', ports[0]['id']), ('network-vif-plugged', ports[1]['id']),
        ('network-vif-plugged', ports[2]['id']), ('network-vif-deleted', ports[0]['id'])]
    # Later events make a later request.
    notifier.port_status_changed(dict(ports[2], status='DOWN'))
    assert notifier.flush()
    assert [e['name'] for e in compute.batches[1]] == ['network-vif-unplugged']


def test_switched_off(nova_opts):
    compute = Recorder()
    notifier = nova_notifier.NovaNotifier(send=compute, interval=0)
    CONF.set_override('notify_nova_on_port_status_changes', False)
    CONF.set_override('notify_nova_on_port_data_changes', False)
    try:
        notifier.port_status_changed(server_port())
        notifier.port_deleted(server_port())
        notifier.port_addresses_changed(server_port())
    finally:
        CONF.clear_override('notify_nova_on_port_status_changes')
        CONF.clear_override('notify_nova_on_port_data_changes')
    assert notifier.flush(1) and compute.attempts == 0


def test_no_credentials_sends_nothing(nova_opts, caplog):
    notifier = nova_notifier.NovaNotifier(interval=0)
    with caplog.at_level(logging.WARNING):
        notifier.port_status_changed(server_port())
        notifier.port_status_changed(server_port())
    assert notifier._thread is None
    assert sum('no auth_type' in r.getMessage() for r in caplog.records) == 1


def test_compute_down_never_blocks_the_caller(nova_opts, monkeypatch, caplog):
    monkeypatch.setattr(nova_notifier, 'BACKOFF', 0.01)
    compute = Recorder(down=True, delay=0.5)  # slow, then refuses
    notifier = nova_notifier.NovaNotifier(send=compute, interval=0)
    started = time.monotonic()
    for _ in range(50):
        notifier.port_status_changed(server_port())
    assert time.monotonic() - started < 0.2
    with caplog.at_level(logging.WARNING):
        assert notifier.flush(30)
    assert compute.attempts >= nova_notifier.RETRIES + 1
    assert any('Dropped' in r.getMessage() for r in caplog.records)
    # Compute is back: the next event goes through.
    compute.down, compute.delay = False, 0
    port = server_port()
    notifier.port_status_changed(port)
    assert compute.sent.wait(10)
    assert compute.batches[-1][-1]['tag'] == port['id']


def test_a_sender_that_raises_is_retried(nova_opts, monkeypatch):
    monkeypatch.setattr(nova_notifier, 'BACKOFF', 0.01)
    calls = []

    def flaky(events):
        calls.append(events)
        if len(calls) == 1:
            raise RuntimeError('connection reset')
        return True
    notifier = nova_notifier.NovaNotifier(send=flaky, interval=0)
    notifier.port_status_changed(server_port())
    assert notifier.flush() and len(calls) == 2


def test_the_queue_is_bounded(nova_opts, monkeypatch):
    monkeypatch.setattr(nova_notifier, 'MAX_QUEUED', 5)
    gate, entered = threading.Event(), threading.Event()
    batches = []

    def blocked(events):
        entered.set()
        gate.wait(10)
        batches.append(events)
        return True
    notifier = nova_notifier.NovaNotifier(send=blocked, interval=0)
    notifier.port_status_changed(server_port())  # taken by the sender, which blocks
    assert entered.wait(10)
    ports = [server_port() for _ in range(8)]
    for port in ports:
        notifier.port_status_changed(port)
    gate.set()
    assert notifier.flush()
    assert [e['tag'] for e in batches[1]] == [p['id'] for p in ports[3:]]


# -- through the agent RPC ------------------------------------------------------------------
class RecordingNovaNotifier:
    def __init__(self):
        self.events = []

    def port_status_changed(self, port):
        self.events.append(nova_notifier.status_event(port))

    def port_deleted(self, port):
        self.events.append(nova_notifier.delete_event(port))

    def port_addresses_changed(self, port):
        self.events.append(nova_notifier.changed_event(port))


@pytest.fixture
def nova():
    return RecordingNovaNotifier()


@pytest.fixture
def conductor(database, notifier, nova):
    """The conftest's conductor, with a nova notifier."""
    from services.network.conductor import agent_manager
    from services.network.conductor import manager
    from services.network.conductor import rpcapi

    topic = 'network-conductor-%s' % uuid.uuid4().hex[:8]
    server = rpc.get_server(messaging.Target(topic=topic, server='test'), [
        manager.NetworkConductorManager(notifier, nova),
        agent_manager.AgentPluginManager(notifier, nova)])
    server.start()
    CONF.set_override('topic', topic, group='network_conductor')
    yield rpcapi.NetworkConductorAPI()
    server.stop()
    server.wait()
    CONF.clear_override('topic', group='network_conductor')


def test_agent_reports_and_port_delete_reach_the_notifier(api, conductor, nova):
    plugin = agent_rpcapi.PluginAPI()
    ctx = context.get_admin_context()
    plugin.report_state(ctx, OVS_STATE)
    net = api.network()
    api.subnet(net['id'])
    server_id = str(uuid.uuid4())
    port = api.port(net['id'], device_owner='compute:nova', device_id=server_id,
                    **{'binding:host_id': HOST})
    dhcp = api.port(net['id'], device_owner='network:dhcp', device_id='dhcp-1',
                    **{'binding:host_id': HOST})
    assert port['status'] == 'DOWN'
    plugin.update_device_up(ctx, port['id'], 'agent', HOST)
    plugin.update_device_up(ctx, port['id'], 'agent', HOST)  # no change: no event
    plugin.update_device_up(ctx, dhcp['id'], 'agent', HOST)
    plugin.update_device_down(ctx, port['id'], 'agent', HOST)
    api.delete('/ports/%s' % port['id'])
    events = [(e['name'], e['server_uuid'], e['tag']) for e in nova.events if e]
    assert events == [('network-vif-plugged', server_id, port['id']),
                      ('network-vif-unplugged', server_id, port['id']),
                      ('network-vif-deleted', server_id, port['id'])]


def test_batched_status_updates_send_the_same_events(api, conductor, nova):
    """``update_device_list`` (agent RPC 1.3) tells compute of each port
    that changed, as the one-port calls do."""
    plugin = agent_rpcapi.PluginAPI()
    ctx = context.get_admin_context()
    plugin.report_state(ctx, OVS_STATE)
    net = api.network()
    api.subnet(net['id'])
    servers = [str(uuid.uuid4()) for _ in range(3)]
    ports = [api.port(net['id'], device_owner='compute:nova', device_id=server,
                      **{'binding:host_id': HOST}) for server in servers]
    ids = [p['id'] for p in ports]
    plugin.update_device_list(ctx, ids[:2], [], 'agent', HOST)
    plugin.update_device_list(ctx, ids, [], 'agent', HOST)  # only the third changes
    plugin.update_device_list(ctx, [], [ids[0]], 'agent', HOST)
    events = [(e['name'], e['server_uuid'], e['tag']) for e in nova.events if e]
    assert events == [('network-vif-plugged', servers[0], ids[0]),
                      ('network-vif-plugged', servers[1], ids[1]),
                      ('network-vif-plugged', servers[2], ids[2]),
                      ('network-vif-unplugged', servers[0], ids[0])]


# -- floating IPs: network-changed for the server of the port ---------------------------------
def _routed_network(api):
    public = api.network(name='public', **{'router:external': True,
                                           'provider:network_type': 'flat',
                                           'provider:physical_network': 'public'})
    api.subnet(public['id'], cidr='203.0.113.0/24', enable_dhcp=False)
    net = api.network(name='private')
    subnet = api.subnet(net['id'])
    router = api.post('/routers', {'router': {'name': 'r1', 'external_gateway_info': {
        'network_id': public['id']}}}).json['router']
    api.put('/routers/%s/add_router_interface' % router['id'], {'subnet_id': subnet['id']})
    return public, net


def test_floating_ip_changes_tell_compute_of_the_server(api, conductor, nova):
    public, net = _routed_network(api)
    servers = [str(uuid.uuid4()) for _ in range(2)]
    ports = [api.port(net['id'], device_owner='compute:nova', device_id=server)
             for server in servers]
    other = api.port(net['id'], device_owner='', device_id='')  # not a server's

    def changed():
        events = [(e['name'], e['server_uuid'], e['tag']) for e in nova.events if e]
        nova.events.clear()
        return events

    # Created associated.
    fip = api.post('/floatingips', {'floatingip': {
        'floating_network_id': public['id'], 'port_id': ports[0]['id']}}).json['floatingip']
    assert '_changed_ports' not in fip
    assert changed() == [('network-changed', servers[0], ports[0]['id'])]
    # What compute then reads, as its service user (keystone's service role).
    service = {'X-Project-Id': 'service', 'X-User-Id': 'nova', 'X-Roles': 'service'}
    listed = api.get('/floatingips?port_id=%s' % ports[0]['id'], service).json['floatingips']
    assert [(f['floating_ip_address'], f['fixed_ip_address']) for f in listed] == [
        (fip['floating_ip_address'], ports[0]['fixed_ips'][0]['ip_address'])]
    assert api.get('/floatingips?port_id=%s' % ports[1]['id'], service).json[
        'floatingips'] == []
    # Only the description: the addresses are the same.
    api.put('/floatingips/%s' % fip['id'], {'floatingip': {'description': 'x'}})
    assert changed() == []
    # Moved to another server's port: both hear of it.
    moved = api.put('/floatingips/%s' % fip['id'], {'floatingip': {
        'port_id': ports[1]['id']}}).json['floatingip']
    assert '_changed_ports' not in moved
    assert changed() == [('network-changed', servers[0], ports[0]['id']),
                         ('network-changed', servers[1], ports[1]['id'])]
    # Disassociated.
    api.put('/floatingips/%s' % fip['id'], {'floatingip': {'port_id': None}})
    assert changed() == [('network-changed', servers[1], ports[1]['id'])]
    # Associated, then deleted while associated.
    api.put('/floatingips/%s' % fip['id'], {'floatingip': {'port_id': ports[0]['id']}})
    assert changed() == [('network-changed', servers[0], ports[0]['id'])]
    api.delete('/floatingips/%s' % fip['id'])
    assert changed() == [('network-changed', servers[0], ports[0]['id'])]
    # A port of no server, and a floating IP never associated: nothing.
    fip = api.post('/floatingips', {'floatingip': {
        'floating_network_id': public['id'], 'port_id': other['id']}}).json['floatingip']
    api.put('/floatingips/%s' % fip['id'], {'floatingip': {'port_id': None}})
    api.delete('/floatingips/%s' % fip['id'])
    bare = api.post('/floatingips', {'floatingip': {
        'floating_network_id': public['id']}}).json['floatingip']
    api.delete('/floatingips/%s' % bare['id'])
    assert changed() == []


def test_network_changed_event(nova_opts):
    port = server_port()
    assert nova_notifier.changed_event(port) == {
        'name': 'network-changed', 'server_uuid': port['device_id'], 'tag': port['id'],
        'status': 'completed'}
    # A server's port on no host still names its server: compute answers for it.
    assert nova_notifier.changed_event(dict(port, **{'binding:host_id': ''}))['name'] == \
        'network-changed'
    assert nova_notifier.changed_event(dict(port, device_owner='network:dhcp')) is None
    assert nova_notifier.changed_event(dict(port, device_id='')) is None
    compute = Recorder()
    notifier = nova_notifier.NovaNotifier(send=compute, interval=0)
    notifier.port_addresses_changed(port)
    notifier.port_addresses_changed(dict(port, device_owner='network:router_interface'))
    assert notifier.flush()
    assert [(e['name'], e['tag']) for e in compute.batches[0]] == [
        ('network-changed', port['id'])]
