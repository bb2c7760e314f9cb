"""Service liveness from heartbeats.

Daemons report on a timer (``RPCService`` calls ``manager.report_state``);
each service's conductor stores the time of the last report in its own
``services`` table, and the APIs show up/down with :func:`is_up`.
"""

import datetime

from oslo_utils import timeutils


def is_up(last_seen_at, service_down_time, forced_down=False, now=None):
    if forced_down or last_seen_at is None:
        return False
    now = now or timeutils.utcnow()
    if last_seen_at.tzinfo is not None:
        last_seen_at = last_seen_at.replace(tzinfo=None)
    return (now - last_seen_at) <= datetime.timedelta(seconds=service_down_time)
