"""A multiattach volume through the v3 attachments API (what compute's
2.60 attach does to it): one attachment per server, the volume ``in-use``
from the first complete attachment until the last one goes."""

from tests.unit.volume.conftest import ADMIN
from tests.unit.volume.conftest import headers
from tests.unit.volume.test_api_flows import create
from tests.unit.volume.test_api_flows import show
from tests.unit.volume.test_api_flows import wait_status

URL = '/v3/demo/attachments'


def _multiattach_volume(app):
    app.post_json('/v3/admin/types', {'volume_type': {
        'name': 'multiattach', 'extra_specs': {'multiattach': '<is> True'}}},
        headers=headers(ADMIN))
    volume = create(app, volume_type='multiattach')
    return wait_status(app, volume['id'], 'available')


def _attach(app, volume_id, server, host='cmp1'):
    """Reserve, connect and complete, as a compute host does."""
    attachment = app.post_json(URL, {'attachment': {
        'volume_uuid': volume_id, 'instance_uuid': server}},
        headers=headers()).json['attachment']
    app.put_json('%s/%s' % (URL, attachment['id']), {'attachment': {
        'connector': {'host': host, 'mountpoint': '/dev/vdb'}}}, headers=headers())
    app.post_json('%s/%s/action' % (URL, attachment['id']), {'os-complete': {}},
                  headers=headers(), status=204)
    return attachment['id']


def _attachment(app, attachment_id):
    return app.get('%s/%s' % (URL, attachment_id), headers=headers()).json['attachment']


def test_two_servers_share_the_volume_until_the_last_detach(app, env):
    volume = _multiattach_volume(app)
    assert volume['multiattach'] is True
    first = _attach(app, volume['id'], 'server-a')
    # The second reservation of a volume in use leaves it in use: the
    # first server keeps using it meanwhile.
    second = app.post_json(URL, {'attachment': {
        'volume_uuid': volume['id'], 'instance_uuid': 'server-b'}},
        headers=headers()).json['attachment']
    assert second['status'] == 'reserved'
    assert show(app, volume['id'])['status'] == 'in-use'
    # A reserved attachment is not listed on the volume until it completes.
    assert [a['server_id'] for a in show(app, volume['id'])['attachments']] == ['server-a']
    app.put_json('%s/%s' % (URL, second['id']), {'attachment': {
        'connector': {'host': 'cmp1', 'mountpoint': '/dev/vdb'}}}, headers=headers())
    assert show(app, volume['id'])['status'] == 'in-use'
    app.post_json('%s/%s/action' % (URL, second['id']), {'os-complete': {}},
                  headers=headers(), status=204)

    shown = show(app, volume['id'])
    assert shown['status'] == 'in-use'
    assert sorted((a['server_id'], a['attachment_id']) for a in shown['attachments']) == \
        sorted([('server-a', first), ('server-b', second['id'])])
    assert _attachment(app, first)['status'] == 'attached'
    assert _attachment(app, second['id'])['attach_mode'] == 'rw'

    remaining = app.delete('%s/%s' % (URL, first), headers=headers()).json['attachments']
    assert [a['id'] for a in remaining] == [second['id']]
    shown = show(app, volume['id'])
    assert shown['status'] == 'in-use'
    assert [a['server_id'] for a in shown['attachments']] == ['server-b']
    app.delete('/v3/demo/volumes/%s' % volume['id'], headers=headers(), status=400)

    app.delete('%s/%s' % (URL, second['id']), headers=headers())
    shown = show(app, volume['id'])
    assert shown['status'] == 'available' and shown['attachments'] == []


def test_a_volume_of_a_plain_type_takes_one_server(app, env):
    volume = create(app)
    wait_status(app, volume['id'], 'available')
    assert show(app, volume['id'])['multiattach'] is False
    _attach(app, volume['id'], 'server-a')
    fault = app.post_json(URL, {'attachment': {
        'volume_uuid': volume['id'], 'instance_uuid': 'server-b'}},
        headers=headers(), status=400).json
    assert 'in-use (multiattach)' in fault['badRequest']['message']
