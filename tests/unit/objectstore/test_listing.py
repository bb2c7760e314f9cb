"""Listings: pagination with prefix / delimiter / markers / reverse, and formats."""

import json

import pytest

from services.objectstore.common import listing

NAMES = ['a', 'b/1', 'b/2', 'b/3/x', 'c', 'd/x/y', 'e']


def fetcher(names, calls=None):
    def fetch(marker, end_marker, prefix, limit, reverse):
        if calls is not None:
            calls.append(marker)
        rows = sorted(names, reverse=reverse)
        if marker is not None:
            rows = [n for n in rows if (n < marker if reverse else n > marker)]
        if end_marker is not None:
            rows = [n for n in rows if (n > end_marker if reverse else n < end_marker)]
        rows = [n for n in rows if n.startswith(prefix)]
        return [{'name': n} for n in rows[:limit]]
    return fetch


def names(entries):
    return [e.get('name', e.get('subdir')) for e in entries]


@pytest.mark.parametrize('params, expected', [
    ({}, NAMES),
    ({'limit': 2}, ['a', 'b/1']),
    ({'marker': 'b/2'}, ['b/3/x', 'c', 'd/x/y', 'e']),
    ({'end_marker': 'c'}, ['a', 'b/1', 'b/2', 'b/3/x']),
    ({'marker': 'a', 'end_marker': 'c', 'limit': 2}, ['b/1', 'b/2']),
    ({'prefix': 'b/'}, ['b/1', 'b/2', 'b/3/x']),
    ({'delimiter': '/'}, ['a', 'b/', 'c', 'd/', 'e']),
    ({'delimiter': '/', 'limit': 3}, ['a', 'b/', 'c']),
    ({'prefix': 'b/', 'delimiter': '/'}, ['b/1', 'b/2', 'b/3/']),
    ({'prefix': 'd/', 'delimiter': '/'}, ['d/x/']),
    ({'reverse': True}, list(reversed(NAMES))),
    ({'reverse': True, 'limit': 2, 'marker': 'd/x/y'}, ['c', 'b/3/x']),
    ({'reverse': True, 'delimiter': '/'}, ['e', 'd/', 'c', 'b/', 'a']),
    ({'delimiter': '/', 'marker': 'b/'}, ['c', 'd/', 'e']),
    ({'limit': 0}, []),
])
def test_paginate(params, expected):
    assert names(listing.paginate(fetcher(NAMES), **params)) == expected


def test_delimiter_skips_a_subdir_in_one_query():
    calls = []
    many = ['a'] + ['b/%04d' % i for i in range(500)] + ['c']
    assert names(listing.paginate(fetcher(many, calls), delimiter='/')) == ['a', 'b/', 'c']
    assert len(calls) <= 3


def test_params_from_query():
    params = listing.params_from_query({'limit': '5', 'reverse': 'true', 'prefix': 'p',
                                        'delimiter': '/'}, 100)
    assert params == {'prefix': 'p', 'delimiter': '/', 'marker': None, 'end_marker': None,
                      'limit': 5, 'reverse': True}
    for bad in ({'limit': 'x'}, {'limit': '-1'}, {'limit': '101'}, {'delimiter': '//'}):
        with pytest.raises(listing.BadListingRequest):
            listing.params_from_query(bad, 100)


def test_pick_format():
    assert listing.pick_format(None, None) == 'plain'
    assert listing.pick_format('json', 'application/xml') == 'json'
    assert listing.pick_format(None, 'application/json') == 'json'
    assert listing.pick_format(None, 'text/xml') == 'xml'
    with pytest.raises(listing.BadListingRequest):
        listing.pick_format('yaml', None)


def test_render_formats():
    rows = [listing.object_entry({'name': 'a&b', 'etag': 'e', 'size': 3,
                                  'content_type': 'text/plain',
                                  'created_at': '1700000000.50000'}),
            listing.object_entry({'subdir': 'd/'})]
    assert json.loads(listing.render(rows, 'json', 'container', 'c')) == [
        {'name': 'a&b', 'hash': 'e', 'bytes': 3, 'content_type': 'text/plain',
         'last_modified': '2023-11-14T22:13:20.500000'}, {'subdir': 'd/'}]
    assert listing.render(rows, 'plain', 'container', 'c') == b'a&b\nd/\n'
    xml = listing.render(rows, 'xml', 'container', 'c<').decode()
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<container name="c&lt;">')
    assert '<object><name>a&amp;b</name><hash>e</hash><bytes>3</bytes>' in xml
    assert '<subdir name="d/"><name>d/</name></subdir>' in xml
    account = listing.render([listing.container_entry(
        {'name': 'c', 'object_count': 2, 'bytes_used': 9,
         'put_timestamp': '1700000000.00000'})], 'xml', 'account', 'AUTH_x').decode()
    assert '<account name="AUTH_x"><container><name>c</name><count>2</count>' in account
