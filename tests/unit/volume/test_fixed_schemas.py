"""Request bodies validate against fixed schemas: a schema built per request
would add a cached validator (and its build cost) on every call."""

from common import validation
from tests.unit.volume.conftest import ADMIN
from tests.unit.volume.conftest import headers
from tests.unit.volume.test_api_flows import create

MISSING = '00000000-0000-0000-0000-000000000000'


def _requests(app, index):
    """One request of each kind whose body is validated; some are refused
    after validation (a missing volume), which is all this needs."""
    demo, admin = headers(), headers(ADMIN)
    volume = create(app, name='v-%d' % index, metadata={'a': '1'})
    url = '/v3/demo/volumes/%s' % volume['id']
    app.put_json(url, {'volume': {'name': 'w-%d' % index}}, headers=demo)
    app.post_json(url + '/metadata', {'metadata': {'b': '2'}}, headers=demo)
    app.put_json(url + '/metadata/b', {'meta': {'b': '3'}}, headers=demo)
    qos = app.post_json('/v3/admin/qos-specs', {'qos_specs': {'name': 'q-%d' % index}},
                        headers=admin).json['qos_specs']
    app.put_json('/v3/admin/qos-specs/%s' % qos['id'], {'qos_specs': {'k': 'v'}},
                 headers=admin)
    app.put_json('/v3/admin/qos-specs/%s/delete_keys' % qos['id'], {'keys': ['k']},
                 headers=admin)
    vtype = app.post_json('/v3/admin/types', {'volume_type': {'name': 't-%d' % index}},
                          headers=admin).json['volume_type']
    app.put_json('/v3/admin/types/%s' % vtype['id'], {'volume_type': {'description': 'd'}},
                 headers=admin)
    app.post_json('/v3/admin/types/%s/extra_specs' % vtype['id'],
                  {'extra_specs': {'s': '1'}}, headers=admin)
    for path, body in (('backups', {'backup': {'volume_id': MISSING}}),
                       ('snapshots', {'snapshot': {'volume_id': MISSING}}),
                       ('os-volume-transfer', {'transfer': {'volume_id': MISSING}}),
                       ('attachments', {'attachment': {'instance_uuid': MISSING,
                                                       'volume_uuid': MISSING}})):
        resp = app.post_json('/v3/demo/' + path, body, headers=demo, expect_errors=True)
        assert resp.status_int == 404, (path, resp.status, resp.body)


def test_repeated_requests_reuse_their_schemas_and_validators(app, monkeypatch):
    used = []
    real = validation.validate

    def recording(schema, document):
        used.append(schema)
        return real(schema, document)

    monkeypatch.setattr(validation, 'validate', recording)
    _requests(app, 0)
    first, cached = list(used), len(validation._VALIDATORS)
    del used[:]
    _requests(app, 1)
    assert len(used) == len(first) >= 14
    assert all(again is schema for again, schema in zip(used, first))
    assert len(validation._VALIDATORS) == cached
