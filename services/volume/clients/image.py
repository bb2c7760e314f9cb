"""The image service (Glance v2 REST), as the volume service uses it: read an
image's record and download its data for a volume created from it; create
an image record and upload a volume's data into it (os-volume_upload_image).

Calls made for a user carry the user's token and the volume service's own as
``X-Service-Token``: the image service decides what the user may see.
Background work (no user token) acts as the service user.
"""

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import plugin as ks_plugin
from keystoneauth1 import service_token
from oslo_config import cfg

from common import exception as common_exc
from common import service_auth
from services.volume import exception

CONF = cfg.CONF
#: Glance v2 fields that are not user properties.
CORE = frozenset({
    'id', 'name', 'status', 'visibility', 'owner', 'size', 'virtual_size', 'min_disk',
    'min_ram', 'checksum', 'os_hash_algo', 'os_hash_value', 'disk_format',
    'container_format', 'created_at', 'updated_at', 'tags', 'file', 'schema', 'self',
    'protected', 'os_hidden', 'locations', 'direct_url', 'stores'})


class _UserToken(ks_plugin.BaseAuthPlugin):
    """The requesting user's token; endpoints from the service user's catalog."""

    def __init__(self, token, endpoints):
        super().__init__()
        self._token = token
        self._endpoints = endpoints

    def get_token(self, session, **kwargs):
        return self._token

    def get_endpoint(self, session, **kwargs):
        return self._endpoints.get_endpoint(session, **kwargs)

    def invalidate(self):
        return False


def _auth(context):
    own = service_auth.session().auth
    token = getattr(context, 'auth_token', None)
    if not token:
        return own
    return service_token.ServiceTokenAuthWrapper(
        user_auth=_UserToken(token, own), service_auth=own)


class ImageClient:
    def _request(self, context, method, url, **kwargs):
        try:
            return service_auth.session().request(
                url, method, raise_exc=False, auth=_auth(context),
                endpoint_filter=service_auth.endpoint_filter('image', 'image'), **kwargs)
        except ks_exc.ClientException as exc:
            raise common_exc.ServiceUnavailable(reason='image service: %s' % exc)

    def get(self, context, image_id):
        """The image record visible to ``context``; ImageNotFound otherwise."""
        resp = self._request(context, 'GET', '/v2/images/%s' % image_id)
        if resp.status_code in (403, 404):
            raise exception.ImageNotFound(image_id=image_id)
        if resp.status_code >= 400:
            raise common_exc.ServiceUnavailable(
                reason='image service answered %d' % resp.status_code)
        return resp.json()

    def download(self, context, image_id, path):
        """Write the image's data to ``path``."""
        resp = self._request(context, 'GET', '/v2/images/%s/file' % image_id, stream=True)
        if resp.status_code >= 400:
            raise exception.ImageNotFound(image_id=image_id)
        with open(path, 'wb') as out:
            for chunk in resp.iter_content(1 << 20):
                out.write(chunk)


    def create(self, context, body):
        """A new (queued) image record; the image service's refusal is ours."""
        resp = self._request(context, 'POST', '/v2/images', json=body)
        if resp.status_code in (400, 403, 409, 413):
            raise exception.InvalidInput(reason='The image service refused the image: %s'
                                         % _message(resp))
        if resp.status_code >= 400:
            raise common_exc.ServiceUnavailable(
                reason='image service answered %d' % resp.status_code)
        return resp.json()

    def upload(self, context, image_id, path):
        """Stream the file at ``path`` as the image's data."""
        with open(path, 'rb') as data:
            resp = self._request(context, 'PUT', '/v2/images/%s/file' % image_id,
                                 data=data, log=False,
                                 headers={'Content-Type': 'application/octet-stream'})
        if resp.status_code >= 400:
            raise exception.DriverError(reason='the image service answered %d to the '
                                        'upload: %s' % (resp.status_code, _message(resp)))

    def delete(self, context, image_id):
        resp = self._request(context, 'DELETE', '/v2/images/%s' % image_id)
        if resp.status_code >= 400 and resp.status_code != 404:
            raise common_exc.ServiceUnavailable(
                reason='image service answered %d' % resp.status_code)


def _message(resp):
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:200]
    return str(body.get('message') or body)[:200] if isinstance(body, dict) else str(body)[:200]


#: volume image metadata that is not carried over to an uploaded image
NOT_INHERITED = frozenset({'image_id', 'image_name', 'checksum', 'size', 'min_disk',
                           'min_ram', 'disk_format', 'container_format'})


def inherited_properties(image_metadata):
    """The properties of the image a volume was made from that an image
    made of the volume keeps (as cinder: kernel, ramdisk, architecture...)."""
    return {k: v for k, v in image_metadata.items()
            if k not in NOT_INHERITED and k not in CORE and not k.startswith('os_glance')}


def properties(image):
    """What a volume shows as ``volume_image_metadata``."""
    shown = {k: v for k, v in image.items() if k not in CORE and isinstance(v, str)}
    shown.update({k: str(image[k]) for k in ('id', 'name', 'disk_format', 'container_format',
                                             'min_disk', 'min_ram', 'size', 'checksum')
                  if image.get(k) is not None})
    shown['image_id'] = shown.pop('id', image.get('id'))
    shown['image_name'] = shown.pop('name', '')
    return shown
