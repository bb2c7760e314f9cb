"""The metadata service's WSGI application (alto-compute-metadata, 8775).

Guests reach it through the network's metadata proxy, which names the
guest in three headers: ``X-Instance-ID``, ``X-Tenant-ID`` and
``X-Instance-ID-Signature`` (the HMAC-SHA256 of the instance id, keyed with
``[metadata] metadata_proxy_shared_secret``). A bad or missing signature is
a 403; a server that does not exist or belongs to another project a 404.
The server itself comes from the conductor (this daemon has no database);
its documents from :mod:`.content`, as on the config drive.
"""

import hashlib
import hmac
import re
import time

import webob
import webob.exc
from oslo_config import cfg
from oslo_log import log as logging

from common import context as alto_context
from services.compute import exception
from services.compute.metadata import content
from services.compute.objects import block_device as bdm_obj
from services.compute.objects import instance as inst_obj

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
_PASSWORD = re.compile(r'^/openstack/[^/]+/password/?$')
_PASSWORD_MAX = 256


def sign(secret, instance_id):
    """The X-Instance-ID-Signature of ``instance_id``."""
    return hmac.new(secret.encode('utf-8'), instance_id.encode('utf-8'),
                    hashlib.sha256).hexdigest()


def fetch_instance(instance_id):
    """The server by uuid from the conductor; None when it is gone."""
    try:
        instance = inst_obj.Instance.get_by_uuid(alto_context.get_admin_context(),
                                                 instance_id)
    except (exception.InstanceNotFound, exception.Invalid):
        return None
    return None if instance.deleted else instance


def fetch_volumes(instance):
    """The server's volume mappings (each with volume_id, device_name and
    its device tag) from the conductor."""
    return [bdm for bdm in bdm_obj.BlockDeviceMappingList.get_by_instance_uuid(
        alto_context.get_admin_context(), instance.uuid) if bdm.is_volume]


class MetadataApp:
    """``fetch(instance_id)`` returns the server or None; ``volumes(server)``
    its volume mappings (for the tagged devices of meta_data.json)."""

    def __init__(self, fetch=fetch_instance, clock=time.monotonic, volumes=fetch_volumes):
        self.fetch = fetch
        self.clock = clock
        self.volumes = volumes
        self._cache = {}

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        try:
            resp = self._handle(req)
        except webob.exc.HTTPException as exc:
            resp = exc
        except Exception:
            LOG.exception('Metadata request %s failed', req.path)
            resp = webob.exc.HTTPInternalServerError()
        return resp(environ, start_response)

    def _handle(self, req):
        is_password = bool(_PASSWORD.match(req.path_info))
        if req.method not in ('GET', 'HEAD') and not (is_password and req.method == 'POST'):
            raise webob.exc.HTTPMethodNotAllowed(
                allow='GET, HEAD, POST' if is_password else 'GET, HEAD')
        instance_id = req.headers.get('X-Instance-ID')
        tenant_id = req.headers.get('X-Tenant-ID')
        signature = req.headers.get('X-Instance-ID-Signature', '')
        if not instance_id or not tenant_id:
            raise webob.exc.HTTPBadRequest('X-Instance-ID and X-Tenant-ID are required')
        secret = CONF.metadata.metadata_proxy_shared_secret
        if not secret or not hmac.compare_digest(sign(secret, instance_id), signature):
            LOG.warning('Metadata request for %s with a bad signature', instance_id)
            raise webob.exc.HTTPForbidden('Invalid proxy request signature.')
        metadata = self._metadata(instance_id)
        if metadata is None or metadata.instance.project_id != tenant_id:
            raise webob.exc.HTTPNotFound()
        if is_password:
            return self._password(req, instance_id)
        try:
            found = metadata.lookup(req.path_info)
        except content.NotFound:
            raise webob.exc.HTTPNotFound()
        resp = webob.Response()
        if isinstance(found, list):
            resp.content_type = 'text/plain'
            resp.body = '\n'.join(found).encode('utf-8')
        else:
            resp.content_type = 'application/json' if req.path_info.endswith('.json') \
                else 'text/plain'
            resp.body = found
        resp.charset = None if resp.content_type == 'application/json' else 'utf-8'
        return resp

    def _password(self, req, instance_id):
        """nova's password document: the guest posts its encrypted admin
        password once (409 when one is set, 400 above 256 bytes); the
        compute API's os-server-password shows and clears it."""
        instance = self.fetch(instance_id)
        if instance is None:
            raise webob.exc.HTTPNotFound()
        stored = (instance.system_metadata or {}).get(inst_obj.PASSWORD_KEY) or ''
        if req.method != 'POST':
            return webob.Response(body=stored.encode('utf-8'), content_type='text/plain',
                                  charset='utf-8')
        if stored:
            raise webob.exc.HTTPConflict()
        body = req.body
        if len(body) > _PASSWORD_MAX:
            raise webob.exc.HTTPBadRequest('Request is too large.')
        instance.system_metadata = dict(instance.system_metadata or {},
                                        **{inst_obj.PASSWORD_KEY: body.decode('utf-8',
                                                                            'replace')})
        instance.save()
        return webob.Response(status=200)

    def _metadata(self, instance_id):
        now = self.clock()
        cached = self._cache.get(instance_id)
        if cached and now - cached[0] < CONF.metadata.cache_expiration:
            return cached[1]
        instance = self.fetch(instance_id)
        if instance is None:
            self._cache.pop(instance_id, None)
            return None
        devices = content.tagged_devices(instance, instance.network_info,
                                         self.volumes(instance))
        metadata = content.InstanceMetadata(
            instance, default_zone=CONF.compute.default_availability_zone,
            vendor_data=content.load_vendor_data(CONF.metadata.vendordata_jsonfile_path),
            dhcp_domain=CONF.metadata.dhcp_domain,
            devices=devices)
        if CONF.metadata.cache_expiration:
            for key in [k for k, v in self._cache.items()
                        if now - v[0] >= CONF.metadata.cache_expiration]:
                del self._cache[key]
            self._cache[instance_id] = (now, metadata)
        return metadata


def build(conf=CONF):
    return MetadataApp()
