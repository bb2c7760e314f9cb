"""``alto-object-server``: the object server of a storage node (port from
``[storage] object_port``)."""

from common import service  # noqa: F401  (first: patches concurrency)

from services.objectstore.cmd import storage  # noqa: E402


def main(argv=None):
    from services.objectstore.object import server
    storage.run('alto-object-server', server.ObjectServer, 'object_port', argv)


if __name__ == '__main__':
    main()
