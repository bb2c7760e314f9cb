"""os-simple-tenant-usage: hours clipped to the window, deleted servers,
totals per project, 2.40 paging, nova's 400s and policy."""

import datetime
import time
import urllib.parse

import pytest
from oslo_utils import timeutils, uuidutils

from services.compute.objects import instance as inst_obj
from tests.unit.compute.conftest import DEMO, headers
from tests.unit.compute.test_server_flow import Cloud

FMT = '%Y-%m-%dT%H:%M:%S.%f'
# A window a day in the past, so "now" never clips it.
END = (timeutils.utcnow() - datetime.timedelta(days=1)).replace(microsecond=0)
START = END - datetime.timedelta(hours=1)
SMALL = {'flavorid': '1', 'name': 'small', 'memory_mb': 512, 'vcpus': 2, 'root_gb': 1,
         'ephemeral_gb': 1}
TINY = {'flavorid': '2', 'name': 'tiny', 'memory_mb': 64, 'vcpus': 1, 'root_gb': 0,
        'ephemeral_gb': 0}


def _server(env, project, name, launched, terminated=None, flavor=SMALL,
            vm_state=inst_obj.ACTIVE):
    uuid = uuidutils.generate_uuid()
    values = dict(uuid=uuid, project_id=project, user_id='u', display_name=name,
                  vm_state=vm_state, flavor=flavor, launched_at=launched,
                  vcpus=flavor['vcpus'], memory_mb=flavor['memory_mb'])
    if terminated:
        values.update(terminated_at=terminated, deleted_at=terminated, deleted=True,
                      vm_state=inst_obj.DELETED)
    inst_obj.Instance(env.admin_context(), **values).create()
    return uuid


@pytest.fixture
def servers(env):
    hour = datetime.timedelta(hours=1)
    return {
        # demo: one running through the whole window, one deleted half-way.
        'running': _server(env, 'demo', 'running', START - 2 * hour),
        'deleted': _server(env, 'demo', 'deleted', START - hour,
                           terminated=START + hour / 2),
        # other: gone before the window, never launched, launched mid-window,
        # launched after the window.
        'gone': _server(env, 'other', 'gone', START - 3 * hour, terminated=START - hour),
        'unlaunched': _server(env, 'other', 'unlaunched', None,
                              vm_state=inst_obj.ERROR),
        'late': _server(env, 'other', 'late', START + hour / 4, flavor=TINY),
        'after': _server(env, 'other', 'after', END + hour),
    }


def _query(start=START, end=END, **extra):
    params = {'start': start.strftime(FMT) if start else None,
              'end': end.strftime(FMT) if end else None}
    params.update(extra)
    return urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})


def _names(body):
    return {u['tenant_id']: sorted(s['name'] for s in u['server_usages'])
            for u in body['tenant_usages']}


def test_index_totals_per_project_with_deleted_servers(app, servers):
    body = app.get('/v2.1/os-simple-tenant-usage?' + _query(detailed=1),
                   headers=headers()).json
    usages = {u['tenant_id']: u for u in body['tenant_usages']}
    assert sorted(usages) == ['demo', 'other']
    assert 'tenant_usages_links' not in body
    demo = usages['demo']
    assert demo['start'] == START.strftime(FMT) and demo['stop'] == END.strftime(FMT)
    assert demo['total_hours'] == pytest.approx(1.5)
    assert demo['total_vcpus_usage'] == pytest.approx(3.0)
    assert demo['total_memory_mb_usage'] == pytest.approx(768.0)
    assert demo['total_local_gb_usage'] == pytest.approx(3.0)
    by_name = {s['name']: s for s in demo['server_usages']}
    deleted = by_name['deleted']
    assert deleted['state'] == 'terminated'
    assert deleted['hours'] == pytest.approx(0.5)
    assert deleted['ended_at'] == (START + datetime.timedelta(minutes=30)).strftime(FMT)
    assert deleted['started_at'] == (START - datetime.timedelta(hours=1)).strftime(FMT)
    assert deleted['uptime'] == 90 * 60
    running = by_name['running']
    assert running == {
        'instance_id': servers['running'], 'name': 'running', 'tenant_id': 'demo',
        'hours': pytest.approx(1.0), 'memory_mb': 512, 'local_gb': 2, 'vcpus': 2,
        'flavor': 'small', 'started_at': (START - datetime.timedelta(hours=2)).strftime(FMT),
        'ended_at': None, 'state': 'active', 'uptime': running['uptime']}
    assert running['uptime'] >= (timeutils.utcnow() - START).total_seconds()
    other = usages['other']
    assert [s['name'] for s in other['server_usages']] == ['late']
    assert other['total_hours'] == pytest.approx(0.75)
    assert other['total_memory_mb_usage'] == pytest.approx(48.0)
    sdk_style = app.get('/v2.1/os-simple-tenant-usage?' + _query(detailed='True'),
                        headers=headers()).json
    assert _names(sdk_style) == _names(body)
    plain = app.get('/v2.1/os-simple-tenant-usage?' + _query(detailed=0),
                    headers=headers()).json
    assert all('server_usages' not in u for u in plain['tenant_usages'])
    assert {u['tenant_id']: u['total_hours'] for u in plain['tenant_usages']} == {
        'demo': pytest.approx(1.5), 'other': pytest.approx(0.75)}


def test_show_own_project_and_policy(app, servers):
    body = app.get('/v2.1/os-simple-tenant-usage/demo?' + _query(),
                   headers=headers(DEMO)).json
    usage = body['tenant_usage']
    assert usage['tenant_id'] == 'demo'
    assert sorted(s['name'] for s in usage['server_usages']) == ['deleted', 'running']
    resp = app.get('/v2.1/os-simple-tenant-usage/other?' + _query(),
                   headers=headers(DEMO), status=403)
    assert resp.json['forbidden']['code'] == 403
    app.get('/v2.1/os-simple-tenant-usage?' + _query(), headers=headers(DEMO), status=403)
    assert app.get('/v2.1/os-simple-tenant-usage/nobody?' + _query(),
                   headers=headers()).json == {'tenant_usage': {}}


def test_paging_from_2_40(app, servers):
    url = '/v2.1/os-simple-tenant-usage?' + _query(detailed=1, limit=2)
    first = app.get(url, headers=headers()).json
    assert [u['tenant_id'] for u in first['tenant_usages']] == ['demo']
    assert sorted(s['name'] for s in first['tenant_usages'][0]['server_usages']) == [
        'deleted', 'running']
    link = first['tenant_usages_links'][0]
    assert link['rel'] == 'next'
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link['href']).query)
    assert query['limit'] == ['2'] and query['detailed'] == ['1']
    last_id = first['tenant_usages'][-1]['server_usages'][-1]['instance_id']
    assert query['marker'] == [last_id]
    second = app.get('/v2.1/os-simple-tenant-usage?' + urllib.parse.urlsplit(
        link['href']).query, headers=headers()).json
    assert [u['tenant_id'] for u in second['tenant_usages']] == ['other']
    assert [s['name'] for s in second['tenant_usages'][0]['server_usages']] == ['late']
    assert 'tenant_usages_links' not in second
    # Before 2.40 limit and marker are not paging parameters.
    old = app.get(url, headers=headers(version='2.39')).json
    assert sum(len(u['server_usages']) for u in old['tenant_usages']) == 3
    assert 'tenant_usages_links' not in old
    shown = app.get('/v2.1/os-simple-tenant-usage/demo?' + _query(limit=1),
                    headers=headers()).json
    assert len(shown['tenant_usage']['server_usages']) == 1
    assert '/v2.1/os-simple-tenant-usage/demo?' in shown['tenant_usage_links'][0]['href']
    bad = app.get('/v2.1/os-simple-tenant-usage?' + _query(marker='nope'),
                  headers=headers(), status=400)
    assert bad.json == {'badRequest': {'code': 400,
                                       'message': 'Marker nope could not be found.'}}


def test_bad_dates_are_400(app):
    resp = app.get('/v2.1/os-simple-tenant-usage?start=yesterday', headers=headers(),
                   status=400)
    assert resp.json == {'badRequest': {
        'code': 400, 'message': 'Invalid datetime string: Datetime is in invalid format'}}
    resp = app.get('/v2.1/os-simple-tenant-usage/demo?' + _query(start=END, end=START),
                   headers=headers(), status=400)
    assert resp.json['badRequest']['message'] == (
        'Invalid start time. The start time cannot occur after the end time.')
    resp = app.get('/v2.1/os-simple-tenant-usage?' + _query(limit='x'), headers=headers(),
                   status=400)
    assert resp.json['badRequest']['code'] == 400
    # nova's three formats are accepted.
    for text in ('2020-01-02T03:04:05', '2020-01-02T03:04:05.123456',
                 '2020-01-02 03:04:05.123456'):
        app.get('/v2.1/os-simple-tenant-usage?' + urllib.parse.urlencode(
            {'start': text}), headers=headers())


def test_booted_then_deleted_server_counts_until_its_delete(env, app):
    cloud = Cloud(env, app)
    cloud.flavor()
    cloud.add_compute('node1')
    start = timeutils.utcnow() - datetime.timedelta(minutes=5)
    server_id = cloud.boot()['server']['id']
    cloud.wait(server_id, 'ACTIVE')
    time.sleep(0.2)
    app.delete('/v2.1/servers/%s' % server_id, headers=headers(DEMO), status=204)
    deadline = time.time() + 10
    while app.get('/v2.1/servers/%s' % server_id, headers=headers(),
                  expect_errors=True).status_int != 404 and time.time() < deadline:
        time.sleep(0.05)
    end = timeutils.utcnow() + datetime.timedelta(days=1)
    body = app.get('/v2.1/os-simple-tenant-usage/demo?' + _query(start, end),
                   headers=headers(DEMO)).json['tenant_usage']
    # The window's end is clipped to now.
    stop = datetime.datetime.strptime(body['stop'], FMT)
    assert stop <= timeutils.utcnow()
    (usage,) = body['server_usages']
    assert usage['instance_id'] == server_id and usage['state'] == 'terminated'
    assert usage['flavor'] == 'm1.nano' and usage['memory_mb'] == 64
    ended = datetime.datetime.strptime(usage['ended_at'], FMT)
    started = datetime.datetime.strptime(usage['started_at'], FMT)
    assert usage['hours'] == pytest.approx((ended - started).total_seconds() / 3600)
    assert 0 < usage['hours'] < 0.01


def test_an_empty_project_id_is_a_404(app):
    # Tempest's test_get_usage_tenant_with_empty_tenant_id: GET .../os-simple-tenant-usage/
    resp = app.get('/v2.1/os-simple-tenant-usage/?' + _query(), headers=headers(), status=404)
    assert resp.json['itemNotFound']['code'] == 404
    app.get('/v2.1/os-simple-tenant-usage?' + _query(), headers=headers(), status=200)
