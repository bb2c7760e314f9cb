"""The object store (Swift v1 REST), as the backup host uses it: containers
and objects in the volume service's own account, reached with the service
credentials (``[service_user]``) and found in their catalog (``object-store``).
"""

from urllib.parse import quote

from keystoneauth1 import exceptions as ks_exc
from oslo_config import cfg

from common import service_auth

CONF = cfg.CONF


class ObjectStoreError(Exception):
    def __init__(self, method, path, status, detail=''):
        super().__init__('object store: %s %s answered %s %s' % (method, path, status,
                                                                 detail[:200]))
        self.status = status



def _quote(name):
    return quote(name, safe='/')


class ObjectStoreClient:
    def __init__(self, session=None):
        self._given = session

    def _request(self, method, path, ok, **kwargs):
        session = self._given or service_auth.session()
        try:
            resp = session.request('/' + _quote(path), method, raise_exc=False,
                                   endpoint_filter=service_auth.endpoint_filter(
                                       'backup', 'object-store', prefix='objectstore_'), **kwargs)
        except ks_exc.ClientException as exc:
            raise ObjectStoreError(method, path, 'no answer', str(exc))
        if resp.status_code not in ok:
            raise ObjectStoreError(method, path, resp.status_code, resp.text)
        return resp

    def ensure_container(self, container):
        self._request('PUT', container, (201, 202))

    def put_object(self, container, name, data, md5):
        """Store ``data``; the store checks it against ``md5`` (``ETag``), and
        so does this client against the ETag answered."""
        resp = self._request('PUT', '%s/%s' % (container, name), (201,), data=data,
                             headers={'ETag': md5, 'Content-Type': 'application/octet-stream'})
        etag = (resp.headers.get('ETag') or '').strip('"')
        if etag != md5:
            raise ObjectStoreError('PUT', '%s/%s' % (container, name), resp.status_code,
                                   'ETag %s, expected %s' % (etag, md5))

    def get_object(self, container, name):
        return self._request('GET', '%s/%s' % (container, name), (200,)).content

    def delete_object(self, container, name):
        """Remove the object (gone already is fine)."""
        self._request('DELETE', '%s/%s' % (container, name), (204, 404))

    def list_objects(self, container, prefix):
        """Names of the container's objects that start with ``prefix``."""
        names, marker = [], ''
        while True:
            resp = self._request('GET', container, (200, 204, 404),
                                 params={'format': 'json', 'prefix': prefix, 'marker': marker})
            page = resp.json() if resp.status_code == 200 else []
            if not page:
                return names
            names.extend(o['name'] for o in page)
            marker = page[-1]['name']
