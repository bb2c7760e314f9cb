"""Microversion 2.83: a project's members filter their own server list by
availability_zone, config_drive, key_name, created_at, launched_at,
terminated_at, power_state, task_state, vm_state, progress and user_id, as
admins always could; before 2.83 nova ignores these for them.  ``user_id``,
``vm_state`` and ``task_state`` match exactly, the others are patterns
searched in the column's text (nova's regex filters)."""

import datetime

import pytest

from services.compute.db import api as db_api
from tests.unit.compute.conftest import ADMIN, DEMO, headers


@pytest.fixture
def two(cloud):
    """(a running server with a config drive, a stopped one)."""
    running = cloud.boot(config_drive=True)['server']['id']
    stopped = cloud.boot()['server']['id']
    cloud.wait(running, 'ACTIVE')
    cloud.wait(stopped, 'ACTIVE')
    cloud.action(stopped, {'os-stop': None})
    cloud.wait(stopped, 'SHUTOFF')
    return running, stopped


def _ids(cloud, query, version, who=DEMO, status=200):
    resp = cloud.app.get('/v2.1/servers/detail?' + query, headers=headers(who, version),
                         status=status)
    return {s['id'] for s in resp.json['servers']}


def test_member_filters_from_2_83(cloud, two):
    running, stopped = two
    year = datetime.datetime.utcnow().strftime('%Y')
    cases = [
        ('vm_state=active', {running}), ('vm_state=stopped', {stopped}),
        ('vm_state=act', set()),  # exact
        ('power_state=1', {running}), ('power_state=4', {stopped}),
        ('config_drive=True', {running}), ('config_drive=Tr', {running}),  # pattern
        ('availability_zone=nova', {running, stopped}),
        ('availability_zone=elsewhere', set()),
        ('created_at=^%s-' % year, {running, stopped}), ('created_at=^1999', set()),
        ('launched_at=%s' % year, {running, stopped}),
        ('terminated_at=.', set()),  # a NULL never matches
        ('progress=0', {running, stopped}), ('progress=7', set()),
        ('user_id=demo-user', {running, stopped}), ('user_id=demo', set()),
        ('key_name=.', set()),
        ('task_state=deleting', set()),
        ('vm_state=active&power_state=4', set()),
    ]
    for query, expected in cases:
        assert _ids(cloud, query, '2.83') == expected, query
        # Admins always had them (here with their own project's servers).
        assert _ids(cloud, query + '&all_tenants=1', '2.82', who=ADMIN) == expected, query
        # Before 2.83 a member's filter is ignored, as nova does.
        assert _ids(cloud, query, '2.82') == {running, stopped}, query


def test_status_wins_over_vm_state(cloud, two):
    running, stopped = two
    assert _ids(cloud, 'status=SHUTOFF&vm_state=active', '2.83') == {stopped}


def test_member_filters_stay_within_the_project(cloud, two):
    other = cloud.boot(who=ADMIN)['server']['id']
    cloud.wait(other, 'ACTIVE')
    assert other not in _ids(cloud, 'vm_state=active', '2.83')
    cloud.app.get('/v2.1/servers?all_tenants=1&vm_state=active',
                  headers=headers(DEMO, '2.83'), status=403)


def test_pattern_text_of_columns():
    when = datetime.datetime(2026, 11, 27, 8, 5, 3, 120)
    assert db_api._column_text(when) == '2026-11-27 08:05:03'
    assert db_api._column_text(True) == '1' and db_api._column_text(4) == '4'
