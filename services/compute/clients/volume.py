"""Volume service (Cinder Block Storage v3 REST) client.

Every call sends microversion 3.44 (attachments with ``os-complete``), but
os-reimage, 3.68.  The
endpoint is the service user's catalog entry of type ``volumev3`` (then
``block-storage``); Cinder's URLs carry a project, which is the acting
user's (or, for a background call as the service user, the volume's owner:
an admin may name any project).  Calls made for a user carry the user's
token plus compute's service token (``base.request_auth``), so the volume
service applies the user's own visibility.
"""

import re
import urllib.parse

from keystoneauth1 import exceptions as ks_exc

from common import service_auth
from services.compute import exception
from services.compute.clients import base

MICROVERSION = '3.44'
#: os-reimage (a rebuild of a volume-backed server) is sent at 3.68.
REIMAGE_MICROVERSION = '3.68'
SERVICE_TYPES = ('volumev3', 'block-storage')
_VERSIONED = re.compile(r'^(?P<root>.*?/v3)(?:/[^/]*)?/?$')


class VolumeClient(base.VolumeClientBase):
    def __init__(self):
        self._root = None

    def _endpoint_root(self):
        """The catalog's ``.../v3`` URL, without its project part."""
        if self._root is None:
            session = base.service_session()
            url = self._catalog_url(session)
            if not url:
                # The service user's token may predate the volume service's
                # registration (stack.sh starts compute first): a new token
                # brings the current catalog.
                session.auth.invalidate()
                url = self._catalog_url(session)
            if not url:
                raise exception.ExternalServiceError(
                    service='volume', reason='no volumev3 or block-storage endpoint in the '
                                             'catalog')
            match = _VERSIONED.match(url.rstrip('/'))
            self._root = match.group('root') if match else url.rstrip('/') + '/v3'
        return self._root

    @staticmethod
    def _catalog_url(session):
        for service_type in SERVICE_TYPES:
            try:
                url = session.get_endpoint(auth=session.auth,
                                           **service_auth.endpoint_filter('volume', service_type))
            except ks_exc.EndpointNotFound:
                continue
            except ks_exc.ClientException as exc:
                raise exception.ExternalServiceError(service='volume', reason=str(exc))
            if url:
                return url
        return None

    def _request(self, context, method, path, project_id=None, microversion=MICROVERSION,
                 **kwargs):
        project = project_id or getattr(context, 'project_id', None)
        url = '%s/%s%s' % (self._endpoint_root(), project, path)
        headers = kwargs.pop('headers', {})
        headers['OpenStack-API-Version'] = 'volume %s' % microversion
        try:
            return base.service_session().request(
                url, method, raise_exc=False, auth=base.request_auth(context),
                headers=headers, **kwargs)
        except ks_exc.ClientException as exc:
            raise exception.ExternalServiceError(service='volume', reason=str(exc))

    def get(self, context, volume_id, project_id=None):
        resp = self._request(context, 'GET', '/volumes/%s' % _quoted(volume_id), project_id)
        _check(resp, volume_id)
        return resp.json()['volume']

    def create(self, context, size, name=None, image_id=None, availability_zone=None,
               project_id=None, snapshot_id=None):
        body = {'name': name}
        if size is not None:
            body['size'] = size
        if image_id:
            body['imageRef'] = image_id
        if snapshot_id:
            body['snapshot_id'] = snapshot_id
        if availability_zone:
            body['availability_zone'] = availability_zone
        resp = self._request(context, 'POST', '/volumes', project_id, json={'volume': body})
        _check(resp, None)
        return resp.json()['volume']

    def delete(self, context, volume_id, project_id=None):
        resp = self._request(context, 'DELETE', '/volumes/%s' % volume_id, project_id)
        if resp.status_code != 404:
            _check(resp, volume_id)

    def attachment_create(self, context, volume_id, instance_uuid, connector=None,
                          mountpoint=None, project_id=None):
        body = {'volume_uuid': volume_id, 'instance_uuid': instance_uuid}
        if connector:
            body['connector'] = dict(connector, mountpoint=mountpoint) if mountpoint \
                else connector
        resp = self._request(context, 'POST', '/attachments', project_id,
                             json={'attachment': body})
        _check(resp, volume_id)
        return resp.json()['attachment']

    def attachment_update(self, context, attachment_id, connector, mountpoint=None,
                          project_id=None):
        if mountpoint:
            connector = dict(connector, mountpoint=mountpoint)
        resp = self._request(context, 'PUT', '/attachments/%s' % attachment_id, project_id,
                             json={'attachment': {'connector': connector}})
        _check(resp, attachment_id, attachment=True)
        return resp.json()['attachment']

    def attachment_complete(self, context, attachment_id, project_id=None):
        resp = self._request(context, 'POST', '/attachments/%s/action' % attachment_id,
                             project_id, json={'os-complete': None})
        _check(resp, attachment_id, attachment=True)

    def attachment_delete(self, context, attachment_id, project_id=None):
        resp = self._request(context, 'DELETE', '/attachments/%s' % attachment_id,
                             project_id)
        if resp.status_code != 404:  # gone already is what we wanted
            _check(resp, attachment_id, attachment=True)

    def reimage(self, context, volume_id, image_id, reimage_reserved=False, project_id=None):
        """os-reimage (volume 3.68): the volume service writes the image over
        the volume and reports the end with ``volume-reimaged``."""
        body = {'os-reimage': {'image_id': image_id, 'reimage_reserved': reimage_reserved}}
        resp = self._request(context, 'POST', '/volumes/%s/action' % _quoted(volume_id),
                             project_id, microversion=REIMAGE_MICROVERSION, json=body)
        _check(resp, volume_id)

    # -- os-volumes / os-snapshots --------------------------------------------------

    def _paged(self, context, path, key):
        """Every item of a Cinder listing, following its next links."""
        items, params = [], {}
        while True:
            resp = self._request(context, 'GET', path, params=params)
            _check(resp, None)
            body = resp.json()
            page = body.get(key) or []
            items.extend(page)
            if not page or not any(link.get('rel') == 'next'
                                   for link in body.get(key + '_links') or []):
                return items
            params = {'marker': page[-1]['id']}

    def list(self, context):
        return self._paged(context, '/volumes/detail', 'volumes')

    def create_volume(self, context, size, name=None, description=None, volume_type=None,
                      snapshot_id=None, metadata=None, availability_zone=None):
        body = {'size': size, 'name': name, 'description': description}
        for key, value in (('volume_type', volume_type), ('snapshot_id', snapshot_id),
                           ('metadata', metadata), ('availability_zone', availability_zone)):
            if value is not None:
                body[key] = value
        resp = self._request(context, 'POST', '/volumes', json={'volume': body})
        if resp.status_code == 404 and snapshot_id:
            raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
        _check(resp, None)
        return resp.json()['volume']

    def delete_volume(self, context, volume_id):
        resp = self._request(context, 'DELETE', '/volumes/%s' % _quoted(volume_id))
        _check(resp, volume_id)

    def snapshot_list(self, context):
        return self._paged(context, '/snapshots/detail', 'snapshots')

    def snapshot_get(self, context, snapshot_id):
        resp = self._request(context, 'GET', '/snapshots/%s' % _quoted(snapshot_id))
        if resp.status_code in (403, 404):
            raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
        _check(resp, snapshot_id)
        return resp.json()['snapshot']

    def snapshot_create(self, context, volume_id, force=False, name=None, description=None):
        body = {'volume_id': volume_id, 'force': bool(force), 'name': name,
                'description': description}
        resp = self._request(context, 'POST', '/snapshots', json={'snapshot': body})
        _check(resp, volume_id)
        return resp.json()['snapshot']

    def snapshot_delete(self, context, snapshot_id):
        resp = self._request(context, 'DELETE', '/snapshots/%s' % _quoted(snapshot_id))
        if resp.status_code in (403, 404):
            raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
        _check(resp, snapshot_id)

    def update_snapshot_status(self, context, snapshot_id, status, progress='90%'):
        body = {'os-update_snapshot_status': {'status': status}}
        if progress:
            body['os-update_snapshot_status']['progress'] = progress
        # The id comes from the API caller: quoted, it names one snapshot only.
        resp = self._request(context, 'POST', '/snapshots/%s/action'
                             % urllib.parse.quote(str(snapshot_id), safe=''), json=body)
        if resp.status_code == 404:
            raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
        _check(resp, snapshot_id)

    def migrate_volume_completion(self, context, old_volume_id, new_volume_id, error=False,
                                  project_id=None):
        body = {'os-migrate_volume_completion': {'new_volume': new_volume_id,
                                                 'error': bool(error)}}
        resp = self._request(context, 'POST', '/volumes/%s/action' % _quoted(old_volume_id),
                             project_id, json=body)
        _check(resp, old_volume_id)
        return resp.json().get('save_volume_id') or new_volume_id


def _quoted(resource_id):
    """An id from an API caller names one resource only in the URL."""
    return urllib.parse.quote(str(resource_id), safe='')


def _reason(resp):
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:200]
    if isinstance(body, dict) and len(body) == 1:
        inner = next(iter(body.values()))
        if isinstance(inner, dict) and inner.get('message'):
            return str(inner['message'])[:200]
    return str(body)[:200]


def _check(resp, resource_id, attachment=False):
    """Raise what a failed volume service answer means to a compute user."""
    if resp.status_code < 400:
        return
    if resp.status_code == 404:
        if attachment:
            raise exception.VolumeAttachmentNotFound(attachment_id=resource_id)
        raise exception.VolumeNotFound(volume_id=resource_id)
    if resp.status_code == 413:
        raise exception.VolumeLimitExceeded(reason=_reason(resp))
    if resp.status_code in (400, 409):
        raise exception.InvalidVolume(reason=_reason(resp))
    if resp.status_code == 403:
        raise exception.VolumeNotFound(volume_id=resource_id)
    raise exception.ExternalServiceError(service='volume', reason=_reason(resp))
