"""Bodies whose schema depends on the microversion validate against fixed
schemas (one per band): a schema built per request would add a cached
validator (and its build cost) on every call."""

from common import validation
from tests.unit.compute.conftest import ADMIN, headers

MISSING = '00000000-0000-0000-0000-000000000000'
VOLUME = '6c0a7a55-3b44-4d0b-9d8e-0c5a0a5e7a01'


def _requests(app):
    for version in ('2.1', '2.50', '2.57'):
        app.put_json('/v2.1/os-quota-class-sets/gold', {'quota_class_set': {'cores': 7}},
                     headers=headers(ADMIN, version))
    attachments = '/v2.1/servers/%s/os-volume_attachments' % MISSING
    for version in ('2.1', '2.49', '2.79'):
        # validated first, then refused: the server does not exist
        app.post_json(attachments, {'volumeAttachment': {'volumeId': VOLUME}},
                      headers=headers(ADMIN, version), status=404)
    for version in ('2.1', '2.85'):
        app.put_json('%s/%s' % (attachments, VOLUME), {'volumeAttachment': {
            'volumeId': VOLUME}}, headers=headers(ADMIN, version), status=404)


def test_repeated_requests_reuse_their_schemas_and_validators(app, monkeypatch):
    used = []
    real = validation.validate

    def recording(schema, document):
        used.append(schema)
        return real(schema, document)

    monkeypatch.setattr(validation, 'validate', recording)
    _requests(app)
    first, cached = list(used), len(validation._VALIDATORS)
    del used[:]
    _requests(app)
    assert len(used) == len(first) == 8
    assert all(again is schema for again, schema in zip(used, first))
    assert len(validation._VALIDATORS) == cached
    # each band has its own schema
    assert len({id(schema) for schema in first}) == 8


def test_quota_class_keys_per_band_are_unchanged(app):
    # 2.50 drops the network era keys and adds the server group ones; 2.57
    # drops the injected file keys (as before the schemas were fixed)
    def refused(version, key):
        resp = app.put_json('/v2.1/os-quota-class-sets/gold', {'quota_class_set': {key: 1}},
                            headers=headers(ADMIN, version), expect_errors=True)
        return resp.status_int == 400

    assert not refused('2.1', 'fixed_ips') and not refused('2.1', 'networks')
    assert refused('2.1', 'server_groups')
    assert refused('2.50', 'fixed_ips') and refused('2.50', 'networks')
    assert not refused('2.50', 'server_groups') and not refused('2.50', 'injected_files')
    assert refused('2.57', 'injected_files') and not refused('2.57', 'server_groups')
