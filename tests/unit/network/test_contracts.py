"""Contract tests: RPC pairs in sync, the API's DB ban, fault bodies."""

import ast
import pathlib
import subprocess
import sys

import pytest

from services.network.agents.rpc import notifications
from services.network.agents.rpc import rpcapi as agent_rpcapi
from services.network.conductor import rpcapi
from services.network.conductor import wire
from tests.unit import rpc_contract

REPO = pathlib.Path(__file__).resolve().parents[3]
NETWORK = REPO / 'services' / 'network'
DB_MODULES = ('sqlalchemy', 'oslo_db', 'alembic', 'services.network.db')


def _pairs():
    """(client, server, the server's local methods: its periodic tasks)"""
    from services.network.conductor import agent_manager
    from services.network.conductor import manager
    return [(rpcapi.NetworkConductorAPI, manager.NetworkConductorManager,
             ('reschedule_from_dead_agents',)),
            (agent_rpcapi.PluginAPI, agent_manager.AgentPluginManager, ()),
            (agent_rpcapi.AgentNotifyAPI, notifications.AgentNotificationEndpoint, ())]


def _answer(method, kwargs):
    if method == 'list_resources_compact':
        return wire.encode(wire.render(wire.Columns(['id'], [['a']])))
    return {'keys': [], 'rows': []}


@pytest.mark.parametrize('index', range(3))
def test_rpc_pairs_in_sync(index):
    client, server, local = _pairs()[index]
    rpc_contract.check_pair(client, server, local=local, answer=_answer)


def test_conductor_api_calls():
    sent = rpc_contract.exercise(rpcapi.NetworkConductorAPI, _answer)
    assert {s.kind for s in sent.values()} == {'call'}


def test_plugin_api_calls():
    sent = rpc_contract.exercise(agent_rpcapi.PluginAPI)
    assert {s.kind for s in sent.values()} == {'call'}


def test_notifier_fans_out():
    sent = rpc_contract.exercise(agent_rpcapi.AgentNotifyAPI)
    assert {(s.kind, s.prepared.get('fanout')) for s in sent.values()} == {('cast', True)}


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            for alias in node.names:
                yield '%s.%s' % (node.module, alias.name)


def _module_path(name):
    parts = name.split('.')
    candidate = REPO.joinpath(*parts)
    if candidate.with_suffix('.py').exists():
        return candidate.with_suffix('.py')
    if (candidate / '__init__.py').exists():
        return candidate / '__init__.py'
    return None


def _closure(start):
    """Project modules reachable by imports from ``start`` (static AST walk)."""
    seen, todo, external = set(), [start], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_path(name)
        if path is None:
            continue
        for imported in _imports(path):
            root = imported.split('.')[0]
            if root in ('common', 'services'):
                # parents are imported too
                parts = imported.split('.')
                todo.extend('.'.join(parts[:i]) for i in range(1, len(parts) + 1))
            else:
                external.add(imported)
    return seen, external


def _banned(name):
    return any(name == m or name.startswith(m + '.') for m in DB_MODULES) or name == 'common.db'


def test_api_never_imports_the_database_layer_statically():
    modules, external = _closure('services.network.api.app')
    modules |= _closure('services.network.cmd.api')[0]
    project = {m for m in modules if _module_path(m) is not None}
    offenders = sorted(m for m in project | external if _banned(m) and m != 'common.db')
    assert offenders == []
    # cmd/api.py uses common.db only to call forbid(); nothing else reaches it.
    users = [m for m in project if 'common.db' in set(_imports(_module_path(m)))
             or any(i == 'common.db' or i.startswith('common.db.')
                    for i in _imports(_module_path(m)))]
    assert users in ([], ['services.network.cmd.api'])


def test_only_conductor_and_db_import_sqlalchemy():
    for path in NETWORK.rglob('*.py'):
        rel = path.relative_to(NETWORK).parts
        if rel[0] in ('conductor', 'db') or path.name == 'manager.py' and 'agents' in rel:
            continue
        if rel[0] == 'cmd' and path.name in ('conductor.py', 'manage.py'):
            continue
        bad = [i for i in _imports(path) if _banned(i)]
        if rel in (('cmd', 'api.py'), ('cmd', 'agent_service.py'), ('cmd', 'ovs_agent.py'),
                   ('cmd', 'dhcp_agent.py'), ('cmd', 'l3_agent.py'),
                   ('cmd', 'metadata_agent.py')):
            # Only to call common.db.ban_imports()/forbid(); common.db loads
            # nothing until used.
            bad = [i for i in bad if i != 'common.db']
        assert not bad, (path, bad)


def test_api_process_loads_no_database_module():
    """Import the API and build its app in a fresh interpreter: none of the
    DB modules may end up in sys.modules, and no [database] option exists."""
    code = (
        'import sys\n'
        'from oslo_config import cfg\n'
        'from services.network.cmd import api\n'
        'from services.network.api import app\n'
        'from common import config\n'
        'from services.network import conf\n'
        'conf.register_opts(cfg.CONF)\n'
        'config.register_common_opts(cfg.CONF)\n'
        'cfg.CONF([], default_config_files=[])\n'
        'app.build(cfg.CONF, conductor=object(), enforcer=None)\n'
        'bad = [m for m, mod in sys.modules.items() if mod is not None and '
        '(m.split(".")[0] in ("sqlalchemy", "alembic", "oslo_db") '
        'or m.startswith("services.network.db"))]\n'
        'assert not bad, bad\n'
        'assert "database" not in cfg.CONF, "API registered [database]"\n'
        'try:\n'
        '    import services.network.db.models\n'
        '    raise SystemExit("the DB layer imported")\n'
        'except ImportError:\n'
        '    pass\n'
        'print("clean")\n')
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                            cwd=str(REPO), timeout=120)
    assert result.stdout.strip().endswith('clean'), result.stderr[-2000:]


def test_rows_pack_and_unpack():
    items = [{'id': 'a', 'x': 1}, {'id': 'b', 'y': [2]}]
    packed = rpcapi.pack_rows(items)
    assert packed['keys'] == ['id', 'x', 'y']
    assert rpcapi.unpack_rows(packed) == [{'id': 'a', 'x': 1, 'y': None},
                                          {'id': 'b', 'x': None, 'y': [2]}]


def test_remote_exceptions_lose_their_traceback():
    from services.network import exception

    remote_cls = type('NetworkNotFound_Remote', (exception.NetworkNotFound,), {})
    exc = remote_cls('Network abc could not be found.\nTraceback (most recent call last):',
                     net_id='abc')
    local = rpcapi._local(exc)
    assert type(local) is exception.NetworkNotFound
    assert local.message == 'Network abc could not be found.'


def test_fault_body_golden(api):
    resp = api.get('/networks/does-not-exist', status=404)
    assert resp.json == {'NeutronError': {
        'type': 'NetworkNotFound', 'message': 'Network does-not-exist could not be found.',
        'detail': ''}}
    assert resp.headers['x-openstack-request-id'].startswith('req-')


def test_migrations_match_models(database):
    import sqlalchemy
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from services.network.db import models

    engine = sqlalchemy.create_engine(database)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), models.Base.metadata)
    engine.dispose()
    assert diff == []


def test_compact_listing_falls_back_to_dicts_under_a_1_0_cap():
    recorder = rpc_contract.RecordingClient(
        answer=lambda method, kwargs: rpcapi.pack_rows([{'id': 'a', 'name': 'x', 'mac': 'm'},
                                                        {'id': 'b', 'name': 'y', 'mac': 'n'}]),
        version_cap='1.0')
    instance = rpc_contract.client_without_transport(rpcapi.NetworkConductorAPI, recorder)
    listing = instance.list_resources_compact(object(), 'port', fields=['name', 'mac'],
                                              hidden=['mac'])
    sent = recorder.sent[-1]
    assert (sent.method, sent.prepared['version']) == ('list_resources', '1.0')
    assert 'fields' not in sent.kwargs and 'hidden' not in sent.kwargs
    assert (listing.count, listing.last_id) == (2, 'b')
    assert listing.items() == [{'name': 'x'}, {'name': 'y'}]


def test_agent_processes_load_no_database_module():
    """The agents' daemon modules and logic, in a fresh interpreter that has
    banned the DB layer as their main() does: no DB module gets loaded."""
    code = (
        'import sys\n'
        'from common import db\n'
        'db.ban_imports("network")\n'
        'from services.network.cmd import ovs_agent, dhcp_agent\n'
        'from services.network.agents.ovs import agent as ovs, fake\n'
        'from services.network.agents.ovs import firewall, firewall_flows, ofctl  # noqa\n'
        'from services.network.agents.dhcp import agent as dhcp\n'
        'from services.network.agents import linux\n'
        'ovs.OVSAgent(fake.FakeOvsdb(), object(), "h", context=object())\n'
        'dhcp.DhcpAgent(object(), fake.FakeOvsdb(), linux.IpLib(), "h", "/nonexistent",\n'
        '               context=object())\n'
        'bad = [m for m, mod in sys.modules.items() if mod is not None and '
        '(m.split(".")[0] in ("sqlalchemy", "alembic", "oslo_db") '
        'or m.startswith("services.network.db"))]\n'
        'assert not bad, bad\n'
        'print("clean")\n')
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                            cwd=str(REPO), timeout=120)
    assert result.stdout.strip().endswith('clean'), result.stderr[-2000:]
