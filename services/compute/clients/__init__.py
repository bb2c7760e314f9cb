"""Clients for the image, network and volume services.

``image_client()`` / ``network_client()`` / ``volume_client()`` return the implementation chosen
by ``[clients] backend``: the REST clients (service-user token through
keystoneauth) or the file-backed fakes used by tests that run compute
without the other services.
"""

from oslo_config import cfg

CONF = cfg.CONF
_CLIENTS = {}


def image_client():
    return _get('image')


def network_client():
    return _get('network')


def volume_client():
    return _get('volume')


_FAKES = {'image': 'FakeImageClient', 'network': 'FakeNetworkClient',
          'volume': 'FakeVolumeClient'}


def _get(kind):
    key = (kind, CONF.clients.backend)
    if key not in _CLIENTS:
        if CONF.clients.backend == 'fake':
            from services.compute.clients import fake
            _CLIENTS[key] = getattr(fake, _FAKES[kind])(CONF.clients.fake_state_dir)
        elif kind == 'image':
            from services.compute.clients import image
            _CLIENTS[key] = image.ImageClient()
        elif kind == 'volume':
            from services.compute.clients import volume
            _CLIENTS[key] = volume.VolumeClient()
        else:
            from services.compute.clients import network
            _CLIENTS[key] = network.NetworkClient()
    return _CLIENTS[key]


def reset():
    _CLIENTS.clear()
