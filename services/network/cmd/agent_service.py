"""What every network agent daemon shares: config, RPC, its service."""


def serve_agent(argv, prog, build, extra_services=None):
    """Run a DB-free agent: ``build()`` returns its manager, which is served
    on the agents' fanout topic (every conductor notification reaches it
    through :class:`AgentNotificationEndpoint`) with its heartbeat and
    periodic tasks; ``extra_services(conf, manager)`` may add services of
    its own (the metadata agent's socket). The caller has patched
    concurrency and banned the DB layer first."""
    from oslo_config import cfg

    from common import config
    from common import db
    from common import log
    from common import rpc
    from common import service
    from services.network import conf as network_conf
    from services.network.agents.rpc import notifications

    conf = cfg.CONF
    db.forbid('%s reaches state through the conductor' % prog)
    network_conf.register_opts(conf)
    config.parse_args(argv, prog=prog)
    log.setup(conf, prog)
    rpc.init(conf, exmods=['services.network.exception'])
    manager = build(conf)
    svc = service.RPCService(conf.network_conductor.agent_notification_topic, manager,
                             conf.host,
                             endpoints=[notifications.AgentNotificationEndpoint(manager)],
                             report_interval=conf.agent.report_interval)
    services = [svc] + (list(extra_services(conf, manager)) if extra_services else [])
    service.settle_startup_heap()
    service.serve(conf, services)
