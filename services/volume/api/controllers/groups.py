"""Generic volume groups (3.13+): /groups, /groups/detail, /groups/{id}, read only.

This cloud has no group types and cannot create groups (docs/services/volume.md), so a
project has no groups: the lists are empty and a group is not found.  Clients that list
groups before offering a choice of one (Horizon's volume create form) work as against a
cinder without groups; creating one is not routed (404).
"""

from services.volume import exception
from services.volume.api import policies

MIN_VERSION = (3, 13)


def register(r):
    r.add('GET', '/groups', index, min_version=MIN_VERSION)
    r.add('GET', '/groups/detail', index, min_version=MIN_VERSION)
    r.add('GET', '/groups/{group_id}', show, min_version=MIN_VERSION)


def index(req):
    policies.authorize(req.context, 'group:get_all')
    return {'groups': []}


def show(req, group_id):
    policies.authorize(req.context, 'group:get')
    raise exception.GroupNotFound(group_id=group_id)
