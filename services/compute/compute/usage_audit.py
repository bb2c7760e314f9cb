"""The periodic instance usage audit of a compute host (nova's
``_instance_usage_audit``): once per completed period (``[DEFAULT]
instance_usage_audit_period``) it records in the conductor's task log how
many servers ran on the host during the period, their usage in hours, and
how many could not be accounted for (errors)."""

import datetime
import time

from oslo_log import log as logging

from services.compute import exception
from services.compute.objects import task_log as task_obj

LOG = logging.getLogger(__name__)
TASK = task_obj.INSTANCE_USAGE_AUDIT


def last_completed_period(unit, before=None):
    """(beginning, ending) naive UTC datetimes of the last period of length
    ``unit`` (hour, day, month, year) that ended at or before ``before``
    (now by default)."""
    now = before or datetime.datetime.utcnow()
    if unit == 'hour':
        end = now.replace(minute=0, second=0, microsecond=0)
        return end - datetime.timedelta(hours=1), end
    if unit == 'day':
        end = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return end - datetime.timedelta(days=1), end
    if unit == 'month':
        end = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        begin = end.replace(year=end.year - 1, month=12) if end.month == 1 else \
            end.replace(month=end.month - 1)
        return begin, end
    if unit == 'year':
        end = now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        return end.replace(year=end.year - 1), end
    raise ValueError('unknown audit period %s' % unit)


def _parse(value):
    return datetime.datetime.fromisoformat(value) if value else None


def usage_hours(server, begin, end):
    """Hours ``server`` ran within ``[begin, end)``; ValueError when its
    record cannot tell (no flavor, launch time missing)."""
    if not server.get('flavor') or not server.get('launched_at'):
        raise ValueError('server %s has no flavor or launch time' % server['uuid'])
    start = max(_parse(server['launched_at']), begin)
    stop = min(_parse(server['terminated_at']) or end, end)
    return max((stop - start).total_seconds(), 0) / 3600.0


def audit(context, host, unit, now=None):
    """Audit the last completed period on ``host`` unless it was already;
    answers the TaskLog written, or None."""
    begin, end = last_completed_period(unit, now)
    b, e = begin.isoformat(), end.isoformat()
    if task_obj.TaskLog.get_all(context, TASK, b, e, host=host):
        return None
    started = time.monotonic()
    servers = task_obj.TaskLog.audit_instances(context, host, b, e)
    try:
        task_obj.TaskLog.begin_task(context, TASK, b, e, host, len(servers),
                                    'Instance usage audit started...')
    except exception.TaskAlreadyRunning:
        return None  # another worker of this host got there first
    errors, hours = 0, 0.0
    for server in servers:
        try:
            hours += usage_hours(server, begin, end)
        except (ValueError, TypeError) as exc:
            errors += 1
            LOG.warning('Usage audit of %s: %s', server['uuid'], exc)
    message = 'Instance usage audit ran for host %s, %d instances in %.2f seconds.' % (
        host, len(servers), time.monotonic() - started)
    LOG.info('%s %.2f server hours from %s to %s, %d errors.', message, hours, b, e, errors)
    return task_obj.TaskLog.end_task(context, TASK, b, e, host, errors, message)
