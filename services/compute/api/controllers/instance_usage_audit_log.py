"""os-instance_usage_audit_log (admin): how far the compute hosts got with
the instance usage audit of the last completed period (``[DEFAULT]
instance_usage_audit_period``), from the task log the hosts write through
the conductor; ``/{before_timestamp}`` reports on the last period that
completed before that time."""

import datetime

from oslo_config import cfg

from services.compute import exception
from services.compute.api import compute_api
from services.compute.api import policies
from services.compute.compute import usage_audit
from services.compute.objects import task_log as task_obj

CONF = cfg.CONF


def register(r):
    r.add('GET', '/os-instance_usage_audit_log', index)
    r.add('GET', '/os-instance_usage_audit_log/{before_timestamp}', show)


def index(req):
    policies.authorize(req.context, 'os-instance-usage-audit-log:list', {})
    return {'instance_usage_audit_logs': _report(req.context)}


def show(req, before_timestamp):
    policies.authorize(req.context, 'os-instance-usage-audit-log:show', {})
    return {'instance_usage_audit_log': _report(req.context, _parse(before_timestamp))}


def _parse(text):
    fmt = '%Y-%m-%d %H:%M:%S.%f' if '.' in text else '%Y-%m-%d %H:%M:%S'
    try:
        return datetime.datetime.strptime(text, fmt)
    except ValueError:
        raise exception.Invalid(reason='Invalid timestamp for date %s' % text[:64])


def _report(context, before=None):
    begin, end = usage_audit.last_completed_period(CONF.instance_usage_audit_period, before)
    logs = task_obj.TaskLog.get_all(context, usage_audit.TASK, begin.isoformat(),
                                    end.isoformat())
    hosts = {host for host, svc in compute_api.compute_services(context).items()
             if not svc.disabled}
    done = {log.host for log in logs if log.state == 'DONE'}
    running = {log.host for log in logs if log.state == 'RUNNING'}
    not_run = sorted(hosts - {log.host for log in logs})
    errors = sum(log.errors for log in logs)
    done_text = 'ALL' if len(done) == len(hosts) else '%d of %d' % (len(done), len(hosts))
    return {
        'period_beginning': str(begin), 'period_ending': str(end),
        'num_hosts': len(hosts), 'num_hosts_done': len(done),
        'num_hosts_running': len(running), 'num_hosts_not_run': len(not_run),
        'hosts_not_run': not_run,
        'total_instances': sum(log.task_items for log in logs), 'total_errors': errors,
        'overall_status': '%s hosts done. %d errors.' % (done_text, errors),
        'log': {log.host: {'state': log.state, 'instances': log.task_items,
                           'errors': log.errors, 'message': log.message}
                for log in logs}}
