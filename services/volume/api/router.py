"""The Block Storage v3 API's route table: :mod:`common.routing` with the
volume microversions and the project id that a URL may carry
(``/v3/{project_id}/volumes``; from 3.67 ``/v3/volumes`` too, which we
accept at every version)."""

from common import routing
from services.volume import exception
from services.volume.api import microversion

Response = routing.Response
Router = routing.Router
read_only = routing.read_only

#: First path segments that name a collection, not a project.
COLLECTIONS = frozenset({
    'volumes', 'snapshots', 'types', 'os-services', 'os-availability-zone', 'limits',
    'os-quota-sets', 'attachments', 'extensions', 'os-volume-transfer', 'backups',
    'qos-specs', 'messages', 'groups', 'group_types', 'group_snapshots', 'volume-transfers',
    'scheduler-stats', 'capabilities', 'os-hosts', 'workers', 'clusters', 'manageable_volumes',
    'manageable_snapshots', 'os-quota-class-sets', 'os-volume-manage', 'os-snapshot-manage',
    'resource_filters', 'default-types', 'os-backup-services'})


class Request(routing.Request):
    def __init__(self, pecan_request, version, url_project=None):
        super().__init__(pecan_request, version)
        self.url_project = url_project

    def url(self, *parts, bookmark=False):
        """A link to ``parts`` under this request's project."""
        project = self.url_project or self.context.project_id
        base = self.host_url if bookmark else self.host_url + '/v3'
        return '/'.join([base, project] + list(parts))


def split_project(path, context):
    """``(the rest of the path, {'url_project': project in the URL or None})``.
    A project id in the URL must be the token's (an admin may name any).

    A path ending in ``/`` names nothing, as in cinder: ``/volumes/`` is
    not the collection but a volume without an id (404; Tempest checks
    show, update and delete with an empty id)."""
    if path.endswith('/') and path.strip('/'):
        raise exception.NotFound()
    segments = path.lstrip('/').split('/', 1)
    if not segments[0] or segments[0] in COLLECTIONS:
        return path, {'url_project': None}
    project, rest = segments[0], '/' + (segments[1] if len(segments) > 1 else '')
    if project != context.project_id and not context.is_admin:
        raise exception.Invalid(
            reason="Malformed request URL: URL's project_id '%s' doesn't match Context's "
                   "project_id '%s'" % (project, context.project_id))
    return rest, {'url_project': project}


def dispatch(router, prefix):
    return routing.dispatch(router, prefix, microversion.VERSIONS, request_class=Request,
                            split_path=split_project)
