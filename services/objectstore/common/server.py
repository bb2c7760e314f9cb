"""The WSGI shape every storage server shares.

A request names ``/<device>/<partition>/<account>[/<container>[/<object>]]``;
the server answers 507 when the device is not a directory under
``[storage] devices``, then calls its handler for the method.  Answers are
plain text, as Swift's servers give; an unexpected error is a bare 500
logged with the transaction id.
"""

import os

import webob
import webob.dec
import webob.exc
from oslo_log import log as logging

from services.objectstore.common import devices
from services.objectstore.common import paths
from services.objectstore.common import timestamp

LOG = logging.getLogger(__name__)


class Target:
    """What a backend request names."""

    def __init__(self, device, device_path, part, account, container, obj):
        self.device = device
        self.device_path = device_path
        self.part = part
        self.account = account
        self.container = container
        self.obj = obj


def plain(status, text='', headers=None):
    resp = webob.Response(status=status, content_type='text/plain', charset='utf-8')
    resp.headers.update(headers or {})
    resp.text = text
    return resp


def request_timestamp(req, header='X-Timestamp'):
    """The request's timestamp (400 when missing or malformed)."""
    try:
        return timestamp.normalize(req.headers[header])
    except KeyError:
        raise webob.exc.HTTPBadRequest('Missing %s header' % header)
    except ValueError:
        raise webob.exc.HTTPBadRequest('Bad %s header' % header)


def split_replication_path(path):
    """``(device, partition, rest)`` of ``/<device>/<partition>[/<rest>]``,
    the paths replicators use (``rest`` may be '')."""
    parts = path.lstrip('/').split('/', 2)
    if len(parts) < 2 or not parts[0] or not parts[1].isdigit() or parts[0] in ('.', '..'):
        raise paths.BadPath('expected /device/partition[/...]')
    return parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ''


class _Done:
    def __init__(self, result):
        self._result = result

    def wait(self):
        return self._result


def _inline_spawn(func, *args):
    return _Done(func(*args))


class StorageServer:
    #: methods the subclass serves (handler names are the method, lowercase)
    methods = ('GET', 'HEAD', 'PUT', 'POST', 'DELETE')
    #: replicators' methods: handlers get ``(req, device_path, partition, rest)``
    replication_methods = ()
    server_type = None

    def __init__(self, conf, offload=None, spawn=None):
        """``offload(func, *args)``: runs a blocking disk call (a flush) out
        of the serving loop (the daemon passes a native-thread pool; default:
        inline); ``spawn(func, *args)``: starts a concurrent task with a
        ``wait()`` (default: inline)."""
        self.conf = conf
        self.offload = offload or (lambda func, *args: func(*args))
        self.spawn = spawn or _inline_spawn
        self.devices = conf.storage.devices
        self.hash_prefix = conf.objectstore.hash_path_prefix
        self.hash_suffix = conf.objectstore.hash_path_suffix

    def device_path(self, device):
        path = os.path.join(self.devices, device)
        return path if os.path.isdir(path) else None

    @webob.dec.wsgify
    def __call__(self, req):
        trans_id = req.headers.get('X-Trans-Id', '-')
        try:
            if req.method in self.replication_methods:
                return self._replication(req)
            if req.method not in self.methods:
                return plain(405, headers={'Allow': ', '.join(self.methods)})
            try:
                device, part, account, container, obj = paths.split_backend_path(
                    paths.wsgi_path(req.environ))
            except paths.BadPath as exc:
                return plain(400, str(exc))
            device_path = self.device_path(device)
            if device_path is None:
                return plain(507, 'Insufficient Storage: no device %s' % device)
            target = Target(device, device_path, part, account, container, obj)
            resp = getattr(self, req.method.lower())(req, target)
        except webob.exc.HTTPException as exc:
            resp = plain(exc.code, exc.detail or exc.title)
        except devices.DeviceGone as exc:     # unmounted while the request ran
            resp = plain(507, 'Insufficient Storage: no device %s' % os.path.basename(str(exc)))
        except Exception:
            LOG.exception('%s %s failed (transaction %s)', req.method, req.path, trans_id)
            resp = plain(500, 'Internal Server Error')
        resp.headers['X-Trans-Id'] = trans_id
        return resp

    def _replication(self, req):
        try:
            device, part, rest = split_replication_path(paths.wsgi_path(req.environ))
        except paths.BadPath as exc:
            return plain(400, str(exc))
        device_path = self.device_path(device)
        if device_path is None:
            return plain(507, 'Insufficient Storage: no device %s' % device)
        return getattr(self, req.method.lower())(req, device_path, part, rest)
