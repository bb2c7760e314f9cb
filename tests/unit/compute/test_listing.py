"""The server listing document: column-wise, JSON columns passed through."""

import datetime

import pytest

from services.compute.objects import listing


def _row(**values):
    row = {key: None for key in listing.COLUMNS}
    row.update(values)
    return row


def test_rows_round_trip_with_raw_json_columns_and_faults():
    created = datetime.datetime(2024, 5, 1, 12, 30, 5, 123456)
    rows = [_row(uuid='a', vm_state='active', created_at=created,
                 flavor='{"name": "m1.nano", "memory_mb": 64}', tags='["x"]',
                 metadata='{}', network_info='[]', security_groups='[{"name": "web"}]'),
            _row(uuid='b', vm_state='error', display_name='caf\u00e9', flavor='{"name": "f"}',
                 tags='[]', metadata='{"k": "v"}', network_info='[]', security_groups='[]')]
    faults = {'b': {'code': 500, 'message': 'boom', 'created_at': created}}
    decoded = listing.decode(listing.encode(rows, faults))
    assert [r['uuid'] for r in decoded] == ['a', 'b']
    assert decoded[0]['flavor'] == {'name': 'm1.nano', 'memory_mb': 64}
    assert decoded[0]['security_groups'] == [{'name': 'web'}]
    assert decoded[0]['created_at'].startswith('2024-05-01T12:30:05')
    assert decoded[0]['fault'] is None
    assert decoded[1]['fault']['message'] == 'boom'
    assert decoded[1]['metadata'] == {'k': 'v'} and decoded[1]['display_name'] == 'caf\u00e9'


def test_what_orjson_refuses_still_encodes():
    rows = [_row(uuid='a', display_name='\ud800', flavor='{}', tags='[]', metadata='{}',
                 network_info='[]', security_groups='[]', progress=2 ** 70)]
    decoded = listing.decode(listing.encode(rows))
    assert decoded[0]['progress'] == 2 ** 70 and decoded[0]['flavor'] == {}


def test_empty_listing_and_unknown_format():
    assert listing.decode(listing.encode([])) == []
    with pytest.raises(ValueError):
        listing.decode('{"format": 99, "keys": [], "columns": []}')
