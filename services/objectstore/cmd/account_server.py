"""``alto-account-server``: the account server of a storage node (port from
``[storage] account_port``)."""

from common import service  # noqa: F401  (first: patches concurrency)

from services.objectstore.cmd import storage  # noqa: E402


def main(argv=None):
    from services.objectstore.account import server
    storage.run('alto-account-server', server.AccountServer, 'account_port', argv)


if __name__ == '__main__':
    main()
