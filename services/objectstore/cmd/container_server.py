"""``alto-container-server``: the container server of a storage node (port from
``[storage] container_port``)."""

from common import service  # noqa: F401  (first: patches concurrency)

from services.objectstore.cmd import storage  # noqa: E402


def main(argv=None):
    from services.objectstore.container import server
    storage.run('alto-container-server', server.ContainerServer, 'container_port', argv)


if __name__ == '__main__':
    main()
