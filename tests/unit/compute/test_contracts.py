"""Contract tests: the DB ban, RPC client/manager pairs, object versions."""

import ast
import pathlib

import pytest

from services.compute.compute import manager as compute_manager
from services.compute.compute import rpcapi as compute_rpcapi
from services.compute.conductor import manager as conductor_manager
from services.compute.conductor import rpcapi as conductor_rpcapi
from services.compute.scheduler import manager as scheduler_manager
from services.compute.scheduler import rpcapi as scheduler_rpcapi
from tests.unit import rpc_contract

ROOT = pathlib.Path(__file__).resolve().parents[3] / 'services' / 'compute'
DB_MODULES = ('sqlalchemy', 'oslo_db', 'alembic', 'services.compute.db', 'common.db')
# Only these may touch the database layer.
ALLOWED = ('conductor/', 'db/', 'cmd/conductor.py', 'cmd/manage.py')
DB_FREE_CMDS = ('cmd/api.py', 'cmd/scheduler.py', 'cmd/compute.py', 'cmd/metadata.py',
                'cmd/placement_api.py', 'cmd/novncproxy.py')


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


def test_no_db_imports_outside_the_conductor():
    offenders = []
    for path in ROOT.rglob('*.py'):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(ALLOWED) or rel in ALLOWED:
            continue
        for name in _imports(path):
            if rel in DB_FREE_CMDS + ('cmd/common.py',) and name == 'common.db':
                continue  # only for ban_imports() / forbid() in DB-free daemons
            if name.startswith(DB_MODULES):
                offenders.append('%s imports %s' % (rel, name))
    assert offenders == []


def test_db_free_daemons_ban_the_db_layer_first():
    # The ban must come before any other project import can pull sqlalchemy in.
    for rel in DB_FREE_CMDS:
        body = ast.parse((ROOT / rel).read_text()).body
        stmts = [n for n in body if not (isinstance(n, ast.Expr)
                                         and isinstance(n.value, ast.Constant))]
        first_call = next(i for i, n in enumerate(stmts) if isinstance(n, ast.Expr))
        call = stmts[first_call].value
        assert ast.unparse(call) == "db.ban_imports('compute')", rel
        earlier = {ast.unparse(n) for n in stmts[:first_call]}
        assert earlier <= {'from common import service', 'from common import db',
                           'import sys'}, (rel, earlier)


def test_cmd_common_only_forbids():
    # cmd/common.py is shared by every daemon: it may call common.db.forbid()
    # but must not import the compute DB layer.
    names = set(_imports(ROOT / 'cmd' / 'common.py'))
    assert not any(n.startswith(('sqlalchemy', 'oslo_db', 'services.compute.db'))
                   for n in names)


def test_conductor_tasks_do_not_import_db():
    for path in (ROOT / 'conductor').rglob('*.py'):
        assert not any(n.startswith(DB_MODULES) for n in _imports(path)), path


PAIRS = [
    # client_only: ping's timeout is the client's own (prepare), and the
    # per-host API takes host as the server it prepares.  local: what each
    # daemon calls on its own manager (start-up, periodic tasks).
    pytest.param(conductor_rpcapi.ConductorAPI, conductor_manager.ConductorManager,
                 ('timeout',), ('report_state', 'fail_builds_on_dead_hosts'), id='conductor'),
    pytest.param(scheduler_rpcapi.SchedulerAPI, scheduler_manager.SchedulerManager, (),
                 ('report_state',), id='scheduler'),
    pytest.param(compute_rpcapi.ComputeAPI, compute_manager.ComputeManager, ('host',),
                 ('init_host', 'report_state', 'report_resources', 'sync_power_states',
                  'offload_shelved_instances', 'prune_image_cache', 'reclaim_soft_deleted',
                  'audit_instance_usage'),
                 id='compute'),
]


@pytest.mark.parametrize('client,manager,client_only,local', PAIRS)
def test_rpc_pair_contract(client, manager, client_only, local):
    rpc_contract.check_pair(client, manager, client_only=client_only, local=local)


def test_rpc_api_versions():
    # Bump these with the version history in the rpcapi docstrings.
    # compute 1.4: external events; 1.5 / conductor 1.4: block volumes;
    # compute 1.6: deferred delete; 1.7: resize through the source; 1.8:
    # diagnostics, admin password, network info refresh, resize source cleanup;
    # compute 1.10 / conductor 1.5: an evacuation's target state (2.95);
    # compute 1.11: assisted volume snapshots; conductor 1.6: a reschedule
    # whose claim the compute host gave back with the server; compute 1.12:
    # backups, rebuild with volumes attached; 1.13: resize and cold
    # migration with volumes; 1.14: swap volume; 1.15: rebuild reimaging the
    # root volume of a volume-backed server (2.93).
    assert compute_rpcapi.RPC_API_VERSION == '1.15'
    assert conductor_rpcapi.RPC_API_VERSION == '1.6'
    assert scheduler_rpcapi.RPC_API_VERSION == '1.1'


# The methods whose caller waits for an answer; every other one is a cast.
CALLS = {
    compute_rpcapi.ComputeAPI: {'get_console_output', 'attach_interface', 'get_host_uptime',
                                'prepare_resize_target', 'get_vnc_console',
                                'validate_console_port', 'get_diagnostics',
                                'set_admin_password'},
    conductor_rpcapi.ConductorAPI: {'ping', 'placement', 'reserve_block_device_name'},
    scheduler_rpcapi.SchedulerAPI: {'select_destinations'},
}


@pytest.mark.parametrize('client', list(CALLS), ids=lambda c: c.__name__)
def test_call_or_cast_per_method(client):
    sent = rpc_contract.exercise(client)
    assert {name for name, s in sent.items() if s.kind == 'call'} == CALLS[client]


def test_compute_api_goes_to_the_instance_host():
    for name, sent in rpc_contract.exercise(compute_rpcapi.ComputeAPI).items():
        assert sent.prepared.get('server') == 'host', name


class _RecordingClient:
    def __init__(self, cap=None):
        self.calls = []
        self.sent = []
        self.cap = cap

    def prepare(self, **kwargs):
        self.kwargs = kwargs
        return self

    def can_send_version(self, version):
        return self.cap is None or tuple(map(int, version.split('.'))) <= tuple(
            map(int, self.cap.split('.')))

    def cast(self, context, method, **kwargs):
        self.calls.append(('cast', method, self.kwargs))
        self.sent.append(kwargs)

    def call(self, context, method, **kwargs):
        self.calls.append(('call', method, self.kwargs))
        self.sent.append(kwargs)
        return []


def _spec():
    from services.compute.objects import request_spec
    return request_spec.RequestSpec(flavor={'vcpus': 1, 'memory_mb': 64, 'root_gb': 1},
                                    num_attempts=2, failed_hosts=['h0'])


def _sent_specs(client):
    return [kwargs['request_spec'] for kwargs in client.sent if 'request_spec' in kwargs]


def test_request_spec_is_sent_as_the_object_only_when_the_cap_allows():
    from services.compute.objects import request_spec
    legacy = {'flavor': {'vcpus': 1, 'memory_mb': 64, 'root_gb': 1}, 'image': None,
              'availability_zone': None, 'scheduler_hints': {}, 'project_id': None,
              'retry': {'num_attempts': 2, 'hosts': ['h0']}}
    compute = compute_rpcapi.ComputeAPI.__new__(compute_rpcapi.ComputeAPI)
    compute.client = _RecordingClient(cap='1.2')
    compute.build_and_run_instance(None, 'h1', 'u', _spec())
    compute.unshelve_instance(None, 'h1', 'u', _spec())
    compute.unshelve_instance(None, 'h1', 'u')
    assert [c[2]['version'] for c in compute.client.calls] == ['1.0', '1.1', '1.1']
    assert _sent_specs(compute.client) == [legacy, legacy, None]
    sched = scheduler_rpcapi.SchedulerAPI.__new__(scheduler_rpcapi.SchedulerAPI)
    sched.client = _RecordingClient(cap='1.0')
    sched.select_destinations(None, _spec(), 1)
    assert sched.client.calls[0][2] == {'version': '1.0'}
    assert _sent_specs(sched.client) == [legacy]
    cond = conductor_rpcapi.ConductorAPI.__new__(conductor_rpcapi.ConductorAPI)
    cond.client = _RecordingClient(cap='1.1')
    cond.build_instances(None, ['u'], _spec())
    cond.unshelve_instance(None, 'u', _spec())
    assert [c[2]['version'] for c in cond.client.calls] == ['1.0', '1.1']
    assert _sent_specs(cond.client) == [legacy, legacy]
    # What an older client sent, a manager of this version reads back the same.
    spec = request_spec.RequestSpec.from_rpc(legacy)
    assert spec.to_dict() == _spec().to_dict()
    assert request_spec.RequestSpec.from_rpc(spec) is spec


def test_resize_goes_to_the_destination_directly_below_compute_1_7():
    compute = compute_rpcapi.ComputeAPI.__new__(compute_rpcapi.ComputeAPI)
    compute.client = _RecordingClient(cap='1.5')
    compute.resize_instance(None, 'src', 'u', 'dst')
    compute.client.cap = '1.7'
    compute.resize_instance(None, 'src', 'u', 'dst')
    assert compute.client.calls == [
        ('cast', 'finish_resize', {'server': 'dst', 'version': '1.0'}),
        ('cast', 'resize_instance', {'server': 'src', 'version': '1.7'})]
    assert compute.client.sent == [{'instance_uuid': 'u', 'source_host': 'src'},
                                   {'instance_uuid': 'u', 'dest_host': 'dst'}]


def test_capped_conductor_refuses_unshelve_before_1_1():
    from common import exception as common_exc
    cond = conductor_rpcapi.ConductorAPI.__new__(conductor_rpcapi.ConductorAPI)
    cond.client = _RecordingClient(cap='1.0')
    with pytest.raises(common_exc.RPCVersionCapped):
        cond.unshelve_instance(None, 'u', _spec())
    assert cond.client.calls == []


def test_capped_conductor_refuses_block_device_reservation_before_1_4():
    from common import exception as common_exc
    cond = conductor_rpcapi.ConductorAPI.__new__(conductor_rpcapi.ConductorAPI)
    cond.client = _RecordingClient(cap='1.3')
    with pytest.raises(common_exc.RPCVersionCapped):
        cond.reserve_block_device_name(None, 'bdm', [])
    assert cond.client.calls == []


def test_capped_compute_refuses_volume_attach_before_1_4():
    from common import exception as common_exc
    compute = compute_rpcapi.ComputeAPI.__new__(compute_rpcapi.ComputeAPI)
    compute.client = _RecordingClient(cap='1.3')
    with pytest.raises(common_exc.RPCVersionCapped):
        compute.attach_volume(None, 'host', 'u', 'bdm')
    with pytest.raises(common_exc.RPCVersionCapped):
        compute.detach_volume(None, 'host', 'u', 'v')
    assert compute.client.calls == []


def test_reschedule_says_the_claim_was_released_only_from_1_6():
    from common import exception as common_exc
    cond = conductor_rpcapi.ConductorAPI.__new__(conductor_rpcapi.ConductorAPI)
    cond.client = _RecordingClient(cap='1.5')
    cond.reschedule_instance(None, 'u', _spec(), 'h1', 'boom')
    with pytest.raises(common_exc.RPCVersionCapped):
        cond.reschedule_instance(None, 'u', _spec(), 'h1', 'boom', claim_released=True)
    cond.client.cap = '1.6'
    cond.reschedule_instance(None, 'u', _spec(), 'h1', 'boom', claim_released=True)
    assert [c[2]['version'] for c in cond.client.calls] == ['1.2', '1.6']
    assert 'claim_released' not in cond.client.sent[0]
    assert cond.client.sent[1]['claim_released'] is True


def test_capped_conductor_refuses_placement_before_1_3():
    from common import exception as common_exc
    cond = conductor_rpcapi.ConductorAPI.__new__(conductor_rpcapi.ConductorAPI)
    cond.client = _RecordingClient(cap='1.2')
    with pytest.raises(common_exc.RPCVersionCapped):
        cond.placement(None, 'list_providers', {})
    assert cond.client.calls == []


def test_object_fingerprints_are_stable():
    from oslo_versionedobjects import fixture
    from services.compute import objects
    from services.compute.objects import base
    objects.register_all()
    checker = fixture.ObjectVersionChecker(base.ComputeObjectRegistry.obj_classes())
    hashes = checker.get_hashes()
    compute = {k: v for k, v in hashes.items() if k.startswith('compute.')}
    # A changed fingerprint means a field or remotable method changed: bump
    # the object's VERSION and update it here.
    assert compute == EXPECTED_OBJECTS


EXPECTED_OBJECTS = {
    'compute.Aggregate': '1.0-14315c1203a2fe48ab3ba50f3382a77d',
    'compute.AggregateList': '1.0-4ee0d9efdfd681fed822da88376e04d2',
    'compute.BlockDeviceMapping': '1.0-3b9040de122f2195549c69ede7bcaf3c',
    # 1.1: get_by_volume_id (assisted volume snapshots)
    'compute.BlockDeviceMappingList': '1.1-2ea0f859f37dda137720d21f49db463f',
    # 1.1: vcpus_reserved, memory_mb_reserved, local_gb_reserved
    'compute.ComputeNode': '1.2-98e090def04f83e8b6a4ac647ce76fe9',
    'compute.ComputeNodeList': '1.1-4d7772da63342b5bd3aacb0ddced9bcd',
    'compute.ConsoleAuthToken': '1.0-fff2d0f447727f21fadf6e2c1eecd33a',
    'compute.Flavor': '1.0-aae6228b2fcdaef3ba0c299f2b0d39dd',
    'compute.FlavorList': '1.0-a8b048c483dfc3ac6f8a366aeb4b06bd',
    # 1.2: save_and_release
    'compute.Instance': '1.2-5e31898e3b5643883787b79d06b36ef4',
    'compute.InstanceAction': '1.0-b960a895526acc8ad8142fe47ddfbc5d',
    'compute.InstanceActionList': '1.0-4a53826625cc280e15fae64a575e0879',
    'compute.Migration': '1.0-166712fb542791f39a517812770bd286',
    'compute.MigrationList': '1.0-8f7aa7ee5676b65edcb5c97b946cd32b',
    # 1.1: get_usage_window
    'compute.InstanceList': '1.1-0c2db225a19875fbf1dd5e4c90cfb3be',
    'compute.KeyPair': '1.0-3af42bcde08e09975d645614f2c33b53',
    'compute.KeyPairList': '1.0-1a9267caa6736133ff30725972d53884',
    'compute.QuotaClass': '1.0-b552b655d79470df5e2cfa04d56dadd7',
    'compute.Quotas': '1.0-54f1e89292f405c5f407674bd724380d',
    'compute.RequestSpec': '1.0-9cd1ad9b77670adba1fb00815e149de1',
    'compute.ServerGroup': '1.0-b44470070da467250eda0ec6fddd80b1',
    'compute.ServerGroupList': '1.0-fa75ad3103b2a3aed3047d310b33da0f',
    'compute.Service': '1.0-ddbd427e929a4c792c4e7eb16b844d49',
    'compute.ServiceList': '1.0-f6621975c20e5805eb2b67dec3679efc',
    'compute.TaskLog': '1.0-4f6094b499e4c489d436eea7750a79ad',
}


_PROBE = '''
import sys
from services.compute.cmd import {daemon} as daemon_module  # bans the DB layer first
from services.compute.cmd import common as cmd_common
cmd_common.setup(['probe', '--config-file', sys.argv[1]], 'probe')
{build}
from common import db
from oslo_config import cfg
for name in ('services.compute.db', 'sqlalchemy', 'alembic', 'oslo_db'):
    assert sys.modules.get(name) is None, '%s imported' % name
for name in ('psycopg2', 'pymysql'):  # no database driver either
    assert name not in sys.modules, '%s imported' % name
try:
    import sqlalchemy  # noqa: F401
except ImportError:
    pass
else:
    raise AssertionError('sqlalchemy import was not banned')
assert 'database' not in cfg.CONF, '[database] registered'
try:
    db.get_context_manager('compute')
except Exception as exc:
    assert type(exc).__name__ == 'DBAccessForbidden', exc
else:
    raise AssertionError('DB access was not forbidden')
print('clean')
'''

_BUILD = {
    'api': 'from services.compute.api import app; app.build(cfg.CONF)',
    'scheduler': 'from services.compute.scheduler import manager; manager.SchedulerManager()',
    'compute': 'from services.compute.compute import manager; manager.ComputeManager()',
    'metadata': 'from services.compute.metadata import handler; handler.build(cfg.CONF)',
    'placement_api': 'from services.compute.placement import app; app.build(cfg.CONF)',
}


@pytest.mark.parametrize('daemon', sorted(_BUILD))
def test_db_free_daemons_start_without_the_db_layer(daemon, tmp_path):
    import subprocess
    import sys
    conf = tmp_path / 'compute.conf'
    conf.write_text('[DEFAULT]\ntransport_url = fake:/\nstate_path = %s\n'
                    '[api]\nauth_strategy = noauth\n' % tmp_path)
    code = _PROBE.format(daemon=daemon, build=_BUILD[daemon].replace(
        'cfg.CONF', '__import__("oslo_config").cfg.CONF'))
    result = subprocess.run([sys.executable, '-c', code, str(conf)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith('clean')


def test_swap_volume_is_a_cast_at_1_14_and_refused_below():
    compute = compute_rpcapi.ComputeAPI.__new__(compute_rpcapi.ComputeAPI)
    compute.client = _RecordingClient()
    compute.swap_volume(None, 'h1', 'u', 'old', 'new', 'att')
    assert compute.client.calls == [('cast', 'swap_volume', {'server': 'h1',
                                                             'version': '1.14'})]
    assert compute.client.sent == [{'instance_uuid': 'u', 'old_volume_id': 'old',
                                    'new_volume_id': 'new', 'new_attachment_id': 'att'}]
    compute.client = _RecordingClient(cap='1.13')
    with pytest.raises(Exception) as caught:
        compute.swap_volume(None, 'h1', 'u', 'old', 'new', 'att')
    assert getattr(caught.value, 'code', None) == 409
    assert compute.client.calls == []
