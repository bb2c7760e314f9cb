import datetime

import pytest
import sqlalchemy

from common import db
from common import exception
from common import servicegroup


def test_forbid_blocks_db_access():
    db.forbid('test daemon')
    try:
        with pytest.raises(exception.DBAccessForbidden):
            db.get_context_manager('anything')
        with pytest.raises(exception.DBAccessForbidden):
            db.sync('anything', 'sqlite://')
    finally:
        db.allow()
    assert db.get_context_manager('anything') is db.get_context_manager('anything')
    db.reset('anything')


def test_sqlite_connections_get_wal_and_busy_timeout(tmp_path):
    engine = sqlalchemy.create_engine('sqlite:///%s' % (tmp_path / 'x.sqlite'))
    with engine.connect() as conn:
        assert conn.exec_driver_sql('PRAGMA journal_mode').scalar() == 'wal'
        assert conn.exec_driver_sql('PRAGMA busy_timeout').scalar() == 30000
    engine.dispose()


def test_is_up():
    now = datetime.datetime(2026, 1, 1, 12, 0, 0)
    recent = now - datetime.timedelta(seconds=30)
    old = now - datetime.timedelta(seconds=61)
    assert servicegroup.is_up(recent, 60, now=now)
    assert not servicegroup.is_up(old, 60, now=now)
    assert not servicegroup.is_up(recent, 60, forced_down=True, now=now)
    assert not servicegroup.is_up(None, 60, now=now)
    aware = recent.replace(tzinfo=datetime.timezone.utc)
    assert servicegroup.is_up(aware, 60, now=now)


def test_ban_imports_in_a_fresh_interpreter():
    import subprocess
    import sys
    code = ('from common import db\n'
            'db.ban_imports("widget")\n'
            'import pecan.jsonify  # probes for SQLAlchemy and must cope\n'
            'for name in ("sqlalchemy", "oslo_db", "alembic", "services.widget.db"):\n'
            '    try:\n'
            '        __import__(name)\n'
            '    except ImportError:\n'
            '        continue\n'
            '    raise SystemExit("imported " + name)\n')
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_daemon_runtime_makes_psycopg2_cooperative_only_for_postgresql():
    import subprocess
    import sys
    code = ('import sys\n'
            'from oslo_config import cfg\n'
            'from common import service, db\n'
            'assert "psycopg2" not in sys.modules, "psycopg2 loaded by the runtime"\n'
            'conf = cfg.ConfigOpts()\n'
            'db.register_opts(conf, "sqlite://")\n'
            'conf([])\n'
            'db.configure("widget", conf)\n'
            'assert "psycopg2" not in sys.modules, "psycopg2 loaded for SQLite"\n'
            'conf.set_override("connection", "postgresql://nobody@127.0.0.1/none",\n'
            '                  group="database")\n'
            'db.reset()\n'
            'db.configure("widget", conf)\n'
            'import psycopg2.extensions\n'
            'assert psycopg2.extensions.get_wait_callback() is not None\n')
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
