"""os-simple-tenant-usage: per-project server hours over a time window.

The conductor reads the servers that lived in the window (deleted ones
too); the view works out hours and totals.  Paging (2.40) is over servers,
ordered by project and uuid, so a project may span pages.
"""

import datetime

from oslo_config import cfg
from oslo_utils import timeutils

from services.compute import exception
from services.compute.api import policies
from services.compute.api.controllers import common
from services.compute.api.views import usage as views
from services.compute.objects import instance as inst_obj

_FORMATS = ('%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%d %H:%M:%S.%f')
COLLECTION = 'os-simple-tenant-usage'
CONF = cfg.CONF
_TRUE = ('1', 'true', 't', 'yes', 'y', 'on')


def register(r):
    r.add('GET', '/os-simple-tenant-usage', index)
    r.add('GET', '/os-simple-tenant-usage/{tenant_id}', show)


def _parse_time(text):
    if not text:
        return timeutils.utcnow()
    for fmt in _FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise exception.InvalidStrTime(reason='Datetime is in invalid format')


def _window(req):
    start = _parse_time(req.params.get('start'))
    stop = _parse_time(req.params.get('end'))
    if not start < stop:
        raise exception.Invalid(reason='Invalid start time. The start time cannot occur '
                                       'after the end time.')
    now = timeutils.utcnow()
    return start, min(stop, now), now


def _usages(req, project_id, detailed):
    """(project summaries, server usages, page limit) for the asked window."""
    start, stop, now = _window(req)
    if req.at_least(40):
        limit, marker = common.limit_and_marker(req)
    else:
        limit, marker = CONF.compute_api.max_limit, None
    rows = inst_obj.InstanceList.get_usage_window(
        req.context, views.time_text(start), views.time_text(stop),
        project_id=project_id, limit=limit, marker=marker)
    return views.tenant_usages(rows, start, stop, now, detailed) + (limit,)


def index(req):
    if req.raw.path_info.endswith('/'):
        # GET /os-simple-tenant-usage/ is a show of an empty project id: nova's 404
        raise exception.NotFound('Project ID must not be empty')
    policies.authorize(req.context, 'os-simple-tenant-usage:list')
    # nova takes only '1'; openstacksdk (so `openstack usage list`) sends
    # 'True', which nova silently reads as not detailed.
    detailed = req.params.get('detailed', '0').strip().lower() in _TRUE
    usages, servers, limit = _usages(req, None, detailed)
    body = {'tenant_usages': usages}
    links = common.next_link(req, COLLECTION, servers, limit, 'instance_id') \
        if req.at_least(40) else None
    if links:
        body['tenant_usages_links'] = links
    return body


def show(req, tenant_id):
    policies.authorize(req.context, 'os-simple-tenant-usage:show',
                       {'project_id': tenant_id})
    usages, servers, limit = _usages(req, tenant_id, True)
    body = {'tenant_usage': usages[0] if usages else {}}
    links = common.next_link(req, '%s/%s' % (COLLECTION, tenant_id), servers, limit,
                             'instance_id') if req.at_least(40) else None
    if links:
        body['tenant_usage_links'] = links
    return body
