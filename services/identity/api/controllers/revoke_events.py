"""/v3/OS-REVOKE/events: recent revocation events, as keystone lists them.

APIs that cache validated tokens fetch this when their revocation listener
(re)starts, to catch up on events the message bus could not bring them.
"""

import pecan

from common.revocation import model
from services.identity import exception
from services.identity.api.controllers import base


class EventsController:

    @pecan.expose('json')
    def index(self, **params):
        if base.request().method not in ('GET', 'HEAD'):
            pecan.abort(405, headers={'Allow': 'GET, HEAD'})
        base.authorize('list_revoke_events')
        since = params.get('since')
        if since is not None:
            try:
                since = model.parse_time(since)
            except (TypeError, ValueError):
                raise exception.ValidationError(reason='invalid date format %s' % since)
        events = base.managers().revoke.list_events(since=since)
        return {'events': [model.to_wire(e) for e in events],
                'links': {'self': base.base_url() + '/OS-REVOKE/events',
                          'previous': None, 'next': None}}


class OSRevokeController:
    events = EventsController()
