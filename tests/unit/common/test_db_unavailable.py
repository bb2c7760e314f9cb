"""A database that is away: new connections wait for it (safe: nothing was
done on them yet), and what still fails reaches callers as a 503."""

import types

import pytest
from oslo_db import exception as db_exc

from common import db
from common import exception
from common import objects


class OperationalError(Exception):
    pass


def _dialect(name, failures):
    attempts = []

    def connect(*args, **kwargs):
        attempts.append(args)
        if len(attempts) <= len(failures):
            raise failures[len(attempts) - 1]
        return 'connection'
    dbapi = types.SimpleNamespace(OperationalError=OperationalError)
    return types.SimpleNamespace(name=name, loaded_dbapi=dbapi, connect=connect), attempts


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(db.time, 'sleep', lambda seconds: None)


def test_new_connection_waits_while_the_server_is_away():
    away = OperationalError(2003, "Can't connect to MySQL server")
    dialect, attempts = _dialect('mysql', [away, away])
    assert db._connect_waiting(dialect, None, ('a',), {}) == 'connection'
    assert len(attempts) == 3


def test_other_errors_and_a_long_outage_are_not_hidden(monkeypatch):
    denied = OperationalError(1045, 'Access denied')
    dialect, attempts = _dialect('mysql', [denied])
    with pytest.raises(OperationalError):
        db._connect_waiting(dialect, None, (), {})
    assert len(attempts) == 1
    monkeypatch.setattr(db, 'CONNECT_WAIT', 0)
    dialect, attempts = _dialect('postgresql', [OperationalError('connection refused')] * 5)
    with pytest.raises(OperationalError):
        db._connect_waiting(dialect, None, (), {})
    assert len(attempts) == 1


def test_sqlite_connects_as_usual():
    dialect, attempts = _dialect('sqlite', [])
    assert db._connect_waiting(dialect, None, (), {}) is None and not attempts


def test_database_away_reaches_the_caller_as_503():
    assert isinstance(db.unavailable(db_exc.DBConnectionError()), exception.ServiceUnavailable)
    assert db.unavailable(db_exc.DBDeadlock()).code == 503
    assert db.unavailable(db_exc.DBDuplicateEntry()) is None
    assert db.unavailable(ValueError()) is None

    class Gadget:
        @classmethod
        def obj_class_from_name(cls, name, version):
            return cls

        @classmethod
        def fetch(cls, context):
            raise db_exc.DBConnectionError()

    endpoint = objects.ObjectConductorEndpoint(Gadget)
    with pytest.raises(exception.ServiceUnavailable):
        endpoint.object_class_action_versions(None, 'Gadget', 'fetch', {'Gadget': '1.0'},
                                              (), {})
