"""The REST image/network clients: user token + service token for user
requests, the service user for background work, admin-only binding."""

import json

import pytest
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint

from common import context as alto_context
from services.compute import exception
from services.compute.clients import base
from services.compute.clients import image
from services.compute.clients import network


class _Response:
    def __init__(self, status, body=None):
        self.status_code = status
        self.content = json.dumps(body).encode() if body is not None else b''
        self.text = self.content.decode()
        self._body = body

    def json(self):
        return self._body


class _RecordingSession:
    """Stands in for keystoneauth's session: records each call with the
    headers its ``auth`` would send, answers from ``routes``."""

    def __init__(self, routes):
        self.auth = token_endpoint.Token('http://svc.example', 'SERVICE')
        self.routes = routes
        self.calls = []
        self._real = ks_session.Session()

    def request(self, url, method, auth=None, raise_exc=True, endpoint_filter=None,
                **kwargs):
        headers = auth.get_headers(self._real)
        self.calls.append((method, url, headers, kwargs.get('json'), kwargs.get('params')))
        return self.routes.get((method, url.split('?')[0]), _Response(404))


@pytest.fixture
def session(monkeypatch, env):
    holder = _RecordingSession({})
    monkeypatch.setattr(base, 'service_session', lambda: holder)
    return holder


def _user():
    return alto_context.RequestContext(auth_token='USER', project_id='demo',
                                       user_id='demo-user', roles=['member'])


def test_user_requests_carry_user_and_service_tokens(session):
    session.routes[('GET', '/v2/images/i1')] = _Response(200, {
        'id': 'i1', 'visibility': 'private', 'owner': 'someone-else', 'hw_arch': 'x86_64'})
    got = image.ImageClient().get(_user(), 'i1')
    # The image service decided visibility; the client does not second-guess it.
    assert got['properties'] == {'hw_arch': 'x86_64'}
    headers = session.calls[0][2]
    assert headers == {'X-Auth-Token': 'USER', 'X-Service-Token': 'SERVICE'}


def test_background_work_uses_the_service_user(session):
    session.routes[('GET', '/v2/images/i1')] = _Response(404)
    with pytest.raises(exception.ImageNotFound):
        image.ImageClient().get(alto_context.get_admin_context(), 'i1')
    assert session.calls[0][2] == {'X-Auth-Token': 'SERVICE'}


def test_snapshot_owner_comes_from_the_users_token(session):
    session.routes[('POST', '/v2/images')] = _Response(201, {'id': 'new'})
    image.ImageClient().create(_user(), 'snap', {})
    assert 'owner' not in session.calls[0][3]
    image.ImageClient().create(alto_context.RequestContext(project_id='p', is_admin=True),
                               'snap', {})
    assert session.calls[1][3]['owner'] == 'p'
    # A shelve snapshot belongs to the server's project whoever shelves it.
    image.ImageClient().create(_user(), 'vm-shelved', {}, owner='demo')
    assert session.calls[2][2]['X-Auth-Token'] == 'USER'
    assert session.calls[2][3]['owner'] == 'demo'


class _Instance:
    uuid = 'server-1'
    project_id = 'demo'
    availability_zone = None
    security_groups = [{'name': 'web'}]
    network_info = []


def test_ports_get_security_groups_and_service_user_binding(session):
    session.routes.update({
        ('GET', '/v2.0/security-groups'): _Response(200, {'security_groups': [
            {'id': 'sg-default', 'name': 'default'}, {'id': 'sg-web', 'name': 'web'}]}),
        ('POST', '/v2.0/ports'): _Response(201, {'port': {
            'id': 'p1', 'network_id': 'n1', 'mac_address': 'fa:16:3e:00:00:01',
            'fixed_ips': [{'ip_address': '10.0.0.5'}]}}),
        ('PUT', '/v2.0/ports/p1'): _Response(200, {'port': {
            'id': 'p1', 'binding:vif_details': {'datapath_type': 'netdev'}}}),
        ('GET', '/v2.0/networks/n1'): _Response(200, {'network': {'id': 'n1',
                                                                  'name': 'private'}}),
    })
    info = network.NetworkClient().allocate_for_instance(
        _user(), _Instance(), [{'uuid': 'n1'}], 'node1')
    assert info[0]['network_name'] == 'private'
    # what the binding says of the host's datapath goes to the virt driver
    assert info[0]['vif_details'] == {'datapath_type': 'netdev'}
    calls = {(m, u): (h, body, params) for m, u, h, body, params in session.calls}
    headers, body, _ = calls[('POST', '/v2.0/ports')]
    assert headers['X-Auth-Token'] == 'USER' and headers['X-Service-Token'] == 'SERVICE'
    assert body['port']['security_groups'] == ['sg-web']
    assert 'project_id' not in body['port'] and 'binding:host_id' not in body['port']
    headers, body, _ = calls[('PUT', '/v2.0/ports/p1')]
    assert headers == {'X-Auth-Token': 'SERVICE'}  # binding is admin-only
    assert body == {'port': {'binding:host_id': 'node1'}}
    assert calls[('GET', '/v2.0/security-groups')][2] == {'project_id': 'demo'}

    instance = _Instance()
    instance.network_info = info
    session.calls.clear()
    network.NetworkClient().bind_ports(_user(), instance, 'node2')
    assert session.calls[0][:2] == ('PUT', '/v2.0/ports/p1')
    assert session.calls[0][3] == {'port': {'binding:host_id': 'node2'}}


def test_unknown_security_group_is_a_bad_request(session):
    session.routes[('GET', '/v2.0/security-groups')] = _Response(200, {
        'security_groups': [{'id': 'sg-default', 'name': 'default'}]})
    with pytest.raises(exception.SecurityGroupNotFound) as info:
        network.NetworkClient().security_group_ids(_user(), 'demo', ['nope'])
    assert info.value.code == 400


def test_invisible_network_is_what_the_network_service_says(session):
    session.routes[('GET', '/v2.0/networks/n2')] = _Response(404)
    with pytest.raises(exception.NetworkNotFound):
        network.NetworkClient().get_network(_user(), 'n2')
    assert session.calls[0][2]['X-Auth-Token'] == 'USER'


def test_attached_port_user_token_for_ownership_service_user_for_binding(session):
    session.routes.update({
        ('GET', '/v2.0/security-groups'): _Response(200, {'security_groups': [
            {'id': 'sg-web', 'name': 'web'}]}),
        ('PUT', '/v2.0/ports/p9'): _Response(200, {'port': {
            'id': 'p9', 'network_id': 'n1', 'fixed_ips': [{'ip_address': '10.0.0.9'}]}}),
        ('GET', '/v2.0/networks/n1'): _Response(200, {'network': {'id': 'n1', 'name': 'x'}}),
        ('DELETE', '/v2.0/ports/p9'): _Response(204),
    })
    client = network.NetworkClient()
    vif = client.allocate_port_for_instance(_user(), _Instance(), 'node1', port_id='p9')
    assert vif['preserve_on_delete'] is True
    owner, bind = [c for c in session.calls if c[0] == 'PUT']
    assert owner[2]['X-Auth-Token'] == 'USER'
    assert owner[3] == {'port': {'device_id': 'server-1', 'device_owner': 'compute:nova'}}
    assert bind[2] == {'X-Auth-Token': 'SERVICE'}
    assert bind[3] == {'port': {'binding:host_id': 'node1'}}

    session.calls.clear()
    client.deallocate_port_for_instance(_user(), _Instance(), vif)
    [(method, _, headers, body, _)] = session.calls
    assert (method, headers) == ('PUT', {'X-Auth-Token': 'SERVICE'})
    assert body == {'port': {'device_id': '', 'device_owner': '', 'binding:host_id': None}}
    session.calls.clear()
    client.deallocate_port_for_instance(_user(), _Instance(), dict(vif,
                                                                   preserve_on_delete=False))
    assert session.calls[0][:2] == ('DELETE', '/v2.0/ports/p9')
    assert session.calls[0][2]['X-Auth-Token'] == 'USER'

    instance = _Instance()
    instance.network_info = [vif]
    session.calls.clear()
    client.unbind_ports(_user(), instance)
    assert session.calls == [('PUT', '/v2.0/ports/p9', {'X-Auth-Token': 'SERVICE'},
                              {'port': {'binding:host_id': None}}, None)]


@pytest.mark.parametrize('status,kind,error,code', [
    (409, 'IpAddressAlreadyAllocated', exception.FixedIpAlreadyInUse, 409),
    (409, 'IpAddressGenerationFailure', exception.NoMoreFixedIps, 400),
    (409, 'MacAddressInUse', exception.Conflict, 409),
    (400, 'InvalidIpForNetwork', exception.Invalid, 400),
    (404, 'NetworkNotFound', exception.NetworkNotFound, 400),  # the API makes it 404
])
def test_port_create_refusals_become_compute_conditions(session, status, kind, error, code):
    session.routes.update({
        ('GET', '/v2.0/security-groups'): _Response(200, {'security_groups': [
            {'id': 'sg-web', 'name': 'web'}]}),
        ('POST', '/v2.0/ports'): _Response(status, {'NeutronError': {
            'type': kind, 'message': 'refused: %s' % kind, 'detail': ''}}),
    })
    with pytest.raises(error) as info:
        network.NetworkClient().allocate_port_for_instance(
            _user(), _Instance(), 'node1', network_id='n1', fixed_ip='10.0.0.2')
    assert type(info.value) is error and info.value.code == code


class _Pages:
    """Answers one call after another from a list."""

    def __init__(self, *responses):
        self.responses = list(responses)

    def take(self):
        return self.responses.pop(0)


class _PagedSession(_RecordingSession):
    def request(self, url, method, **kwargs):
        answer = super().request(url, method, **kwargs)
        return answer.take() if isinstance(answer, _Pages) else answer


def test_image_list_follows_next_pages_with_the_users_token(monkeypatch, env):
    session = _PagedSession({})
    monkeypatch.setattr(base, 'service_session', lambda: session)
    session.routes[('GET', '/v2/images')] = _Pages(
        _Response(200, {'images': [{'id': 'a', 'hw': 'x'}],
                        'next': '/v2/images?name=n&marker=a'}),
        _Response(200, {'images': [{'id': 'b'}]}))
    found = image.ImageClient().list(_user(), {'name': 'n'})
    assert [i['id'] for i in found] == ['a', 'b'] and found[0]['properties'] == {'hw': 'x'}
    assert [c[4] for c in session.calls] == [{'name': 'n'}, {'name': 'n', 'marker': 'a'}]
    assert session.calls[1][2]['X-Auth-Token'] == 'USER'
    session.calls.clear()
    session.routes[('GET', '/v2/images')] = _Pages(
        _Response(200, {'images': [{'id': 'a'}], 'next': '/v2/images?marker=a'}))
    assert [i['id'] for i in image.ImageClient().list(_user(), {}, limit=1, marker='m')] \
        == ['a']
    assert session.calls[0][4] == {'limit': 1, 'marker': 'm'} and len(session.calls) == 1
    session.routes[('GET', '/v2/images')] = _Response(400, {'message': 'bad marker'})
    with pytest.raises(exception.Invalid):
        image.ImageClient().list(_user(), {}, marker='zz')


def test_image_properties_replaced_by_a_json_patch(session):
    session.routes[('GET', '/v2/images/i1')] = _Response(200, {
        'id': 'i1', 'name': 'n', 'status': 'active', 'keep': '1', 'old': '2', 'a/b': '3'})
    session.routes[('PATCH', '/v2/images/i1')] = _Response(200, {
        'id': 'i1', 'name': 'n', 'keep': '1', 'new': '4'})
    stored = image.ImageClient().update_properties(_user(), 'i1', {'keep': '1', 'new': '4'})
    assert stored == {'keep': '1', 'new': '4'}
    method, _, headers, changes, _ = session.calls[1]
    assert method == 'PATCH' and headers['X-Auth-Token'] == 'USER'
    assert sorted(changes, key=lambda c: c['path']) == [
        {'op': 'remove', 'path': '/a~1b'}, {'op': 'add', 'path': '/new', 'value': '4'},
        {'op': 'remove', 'path': '/old'}]


@pytest.mark.parametrize('status,error', [(404, exception.ImageNotFound),
                                          (403, exception.ImageNotAuthorized)])
def test_strict_image_delete_says_why_it_failed(session, status, error):
    session.routes[('DELETE', '/v2/images/i1')] = _Response(status)
    image.ImageClient().delete(_user(), 'i1')  # best effort: no error
    with pytest.raises(error):
        image.ImageClient().delete(_user(), 'i1', strict=True)


def test_proxy_calls_carry_the_users_token_and_keep_the_answer(session):
    session.routes[('GET', '/v2.0/security-groups/sg1')] = _Response(404, {
        'NeutronError': {'type': 'SecurityGroupNotFound', 'message': 'gone', 'detail': ''}})
    session.routes[('POST', '/v2.0/floatingips')] = _Response(201, {'floatingip': {'id': 'f'}})
    client = network.NetworkClient()
    status, body = client.proxy(_user(), 'GET', '/security-groups/sg1',
                                params={'fields': 'id'})
    assert (status, body['NeutronError']['type']) == (404, 'SecurityGroupNotFound')
    method, url, headers, _, params = session.calls[0]
    assert (method, url, params) == ('GET', '/v2.0/security-groups/sg1', {'fields': 'id'})
    assert headers == {'X-Auth-Token': 'USER', 'X-Service-Token': 'SERVICE'}
    assert client.proxy(_user(), 'POST', '/floatingips', body={'floatingip': {}}) == (
        201, {'floatingip': {'id': 'f'}})
    assert session.calls[1][3] == {'floatingip': {}}
    session.routes[('GET', '/v2.0/networks')] = _Response(503)
    with pytest.raises(exception.ExternalServiceError):
        client.proxy(_user(), 'GET', '/networks')


def test_refresh_reads_each_ports_floating_ips_and_keeps_them_when_refused(session):
    port = {'id': 'p1', 'network_id': 'n1', 'mac_address': 'fa:16:3e:00:00:01',
            'fixed_ips': [{'ip_address': '10.0.0.5'}, {'ip_address': '10.0.0.6'}]}
    session.routes.update({
        ('GET', '/v2.0/ports'): _Response(200, {'ports': [port]}),
        ('GET', '/v2.0/networks/n1'): _Response(200, {'network': {'id': 'n1', 'name': 'x'}}),
        ('GET', '/v2.0/floatingips'): _Response(200, {'floatingips': [
            {'floating_ip_address': '203.0.113.9', 'fixed_ip_address': '10.0.0.6'},
            {'floating_ip_address': '203.0.113.4', 'fixed_ip_address': '10.0.0.6'}]}),
    })
    client = network.NetworkClient()
    instance = _Instance()
    background = alto_context.get_admin_context()
    [vif] = client.refresh_network_info(background, instance)
    assert [ip.get('floating_ips') for ip in vif['fixed_ips']] == [
        None, ['203.0.113.4', '203.0.113.9']]
    [query] = [c for c in session.calls if c[1] == '/v2.0/floatingips']
    # An event's refresh: compute's service user, this port's floating IPs.
    assert (query[2], query[4]) == ({'X-Auth-Token': 'SERVICE'}, {'port_id': 'p1'})
    # Refused: the floating IPs the server had stay.
    session.routes[('GET', '/v2.0/floatingips')] = _Response(403, {})
    instance.network_info = [vif]
    assert client.refresh_network_info(background, instance) == [vif]
    session.routes[('GET', '/v2.0/floatingips')] = _Response(200, {'floatingips': []})
    [vif] = client.refresh_network_info(background, instance)
    assert all('floating_ips' not in ip for ip in vif['fixed_ips'])
