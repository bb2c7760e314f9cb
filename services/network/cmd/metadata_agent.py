"""alto-metadata-agent: signs guests' metadata requests from the namespace
proxies and sends them to the compute metadata service. DB-free; needs no
root (root's namespace proxies reach its UNIX socket)."""

from common import service  # noqa: F401  (first: patches concurrency)
from common import db  # noqa: E402

db.ban_imports('network')  # before anything else can pull the DB layer in

import sys  # noqa: E402

from services.network.cmd import agent_service  # noqa: E402


def build(conf):
    from services.network.agents.metadata import agent
    from services.network.agents.rpc import rpcapi
    options = conf.metadata_agent
    upstream = agent.HTTPUpstream(options.nova_metadata_host, options.nova_metadata_port,
                                  options.nova_metadata_timeout)
    return agent.MetadataAgent(rpcapi.PluginAPI(), conf.host,
                               options.metadata_proxy_shared_secret, upstream,
                               cache_seconds=options.cache_expiration)


def socket_service(conf, manager):
    from common import service as common_service
    yield common_service.WSGIService('alto-metadata-agent', lambda: manager.app, None, None,
                                     unix_socket=conf.metadata_agent.metadata_proxy_socket)


def main(argv=None):
    agent_service.serve_agent(sys.argv if argv is None else argv, 'alto-metadata-agent',
                              build, extra_services=socket_service)


if __name__ == '__main__':
    main()
