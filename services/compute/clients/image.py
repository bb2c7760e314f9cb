"""Image service (Glance v2 REST) client.

Calls made for a user carry the user's token plus compute's service token
(``base.request_auth``): the image service decides what the user may see.
"""

from keystoneauth1 import exceptions as ks_exc

from services.compute import exception
from services.compute.clients import base

# Fields of a Glance image that are not user properties.
_CORE = {'id', 'name', 'status', 'visibility', 'owner', 'size', 'virtual_size', 'min_disk',
         'min_ram', 'checksum', 'os_hash_algo', 'os_hash_value', 'disk_format',
         'container_format', 'created_at', 'updated_at', 'tags', 'file', 'schema', 'self',
         'protected', 'os_hidden', 'locations', 'direct_url'}


class ImageClient(base.ImageClientBase):
    def _request(self, context, method, url, **kwargs):
        kwargs.setdefault('endpoint_filter', base.endpoint_filter('image', 'image'))
        try:
            return base.service_session().request(url, method, raise_exc=False,
                                                  auth=base.request_auth(context), **kwargs)
        except ks_exc.ClientException as exc:
            raise exception.ExternalServiceError(service='image', reason=str(exc))

    def get(self, context, image_id):
        resp = self._request(context, 'GET', '/v2/images/%s' % image_id)
        if resp.status_code == 404:
            raise exception.ImageNotFound(image_id=image_id)
        if resp.status_code >= 400:
            raise exception.ExternalServiceError(service='image', reason=resp.text[:200])
        image = resp.json()
        image['properties'] = {k: v for k, v in image.items() if k not in _CORE}
        image['min_disk'] = image.get('min_disk') or 0
        image['min_ram'] = image.get('min_ram') or 0
        return image

    def download(self, context, image_id, path):
        resp = self._request(context, 'GET', '/v2/images/%s/file' % image_id, stream=True)
        if resp.status_code >= 400:
            raise exception.ImageNotFound(image_id=image_id)
        with open(path, 'wb') as f:
            for chunk in resp.iter_content(1024 * 1024):
                f.write(chunk)

    def create(self, context, name, properties, owner=None):
        body = dict(properties, name=name, disk_format='qcow2', container_format='bare',
                    visibility='private')
        if owner:
            body['owner'] = owner  # someone else's only for an admin
        elif context.project_id and not base.acts_for_user(context):
            body['owner'] = context.project_id  # the user's token makes it theirs
        resp = self._request(context, 'POST', '/v2/images', json=body)
        if resp.status_code >= 400:
            raise exception.ExternalServiceError(service='image', reason=resp.text[:200])
        return resp.json()

    def upload(self, context, image_id, path):
        with open(path, 'rb') as f:
            resp = self._request(context, 'PUT', '/v2/images/%s/file' % image_id, data=f,
                                 headers={'Content-Type': 'application/octet-stream'})
        if resp.status_code >= 400:
            raise exception.ExternalServiceError(service='image', reason=resp.text[:200])

    def delete(self, context, image_id):
        self._request(context, 'DELETE', '/v2/images/%s' % image_id)
