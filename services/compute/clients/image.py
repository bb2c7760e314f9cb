"""Image service (Glance v2 REST) client.

Calls made for a user carry the user's token plus compute's service token
(``base.request_auth``): the image service decides what the user may see.
"""

import urllib.parse

from keystoneauth1 import exceptions as ks_exc

from common import service_auth
from services.compute import exception
from services.compute.clients import base

_CORE = base.IMAGE_ATTRIBUTES
PATCH_TYPE = 'application/openstack-images-v2.1-json-patch'
#: Most pages one list call reads, so a broken ``next`` link cannot loop.
MAX_PAGES = 1000


class ImageClient(base.ImageClientBase):
    def _request(self, context, method, url, **kwargs):
        kwargs.setdefault('endpoint_filter', service_auth.endpoint_filter('image', 'image'))
        try:
            return base.service_session().request(url, method, raise_exc=False,
                                                  auth=base.request_auth(context), **kwargs)
        except ks_exc.ClientException as exc:
            raise exception.ExternalServiceError(service='image', reason=str(exc))

    def get(self, context, image_id):
        resp = self._request(context, 'GET', '/v2/images/%s' % image_id)
        _check(resp, image_id)
        return _image(resp.json())

    def list(self, context, filters=None, limit=None, marker=None):
        query = dict(filters or {})
        if marker:
            query['marker'] = marker
        images = []
        url = '/v2/images'
        for _ in range(MAX_PAGES):
            if limit is not None:
                query['limit'] = limit - len(images)
            resp = self._request(context, 'GET', url, params=query)
            _check(resp, marker)
            body = resp.json()
            images.extend(_image(item) for item in body.get('images', []))
            following = body.get('next')
            if not following or (limit is not None and len(images) >= limit):
                break
            # The next page: the same query from the image service's own marker.
            url = following.split('?', 1)[0]
            query = dict(urllib.parse.parse_qsl(following.partition('?')[2]))
        return images[:limit] if limit is not None else images

    def update_properties(self, context, image_id, properties):
        current = self.get(context, image_id)['properties']
        changes = [{'op': 'remove', 'path': _pointer(key)}
                   for key in current if key not in properties]
        changes += [{'op': 'replace' if key in current else 'add', 'path': _pointer(key),
                     'value': value}
                    for key, value in properties.items() if current.get(key) != value]
        if not changes:
            return dict(current)
        resp = self._request(context, 'PATCH', '/v2/images/%s' % image_id, json=changes,
                             headers={'Content-Type': PATCH_TYPE})
        _check(resp, image_id)
        return _image(resp.json())['properties']

    def endpoint(self, context):
        try:
            return base.service_session().get_endpoint(
                auth=base.service_session().auth,
                **service_auth.endpoint_filter('image', 'image')).rstrip('/')
        except ks_exc.ClientException:
            return None

    def download(self, context, image_id, path):
        resp = self._request(context, 'GET', '/v2/images/%s/file' % image_id, stream=True)
        if resp.status_code >= 400:
            raise exception.ImageNotFound(image_id=image_id)
        with open(path, 'wb') as f:
            for chunk in resp.iter_content(1024 * 1024):
                f.write(chunk)

    def create(self, context, name, properties, owner=None, disk_format='qcow2'):
        body = dict(properties, name=name, disk_format=disk_format, container_format='bare',
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

    def delete(self, context, image_id, strict=False):
        resp = self._request(context, 'DELETE', '/v2/images/%s' % image_id)
        if strict:
            _check(resp, image_id)


def _image(image):
    """A Glance v2 image with its user properties gathered in ``properties``."""
    image['properties'] = {k: v for k, v in image.items() if k not in _CORE}
    image['min_disk'] = image.get('min_disk') or 0
    image['min_ram'] = image.get('min_ram') or 0
    return image


def _pointer(key):
    """The JSON pointer that names property ``key``."""
    return '/' + key.replace('~', '~0').replace('/', '~1')


def _reason(resp):
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:200]
    if isinstance(body, dict):
        return str(body.get('message') or body.get('title') or body)[:200]
    return str(body)[:200]


def _check(resp, image_id):
    """Raise what a failed image service answer means to a compute user."""
    if resp.status_code < 400:
        return
    if resp.status_code == 404:
        raise exception.ImageNotFound(image_id=image_id)
    if resp.status_code == 403:
        raise exception.ImageNotAuthorized(image_id=image_id)
    if resp.status_code in (400, 409, 413):
        raise exception.Invalid(reason=_reason(resp))
    raise exception.ExternalServiceError(service='image', reason=_reason(resp))
