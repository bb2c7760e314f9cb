"""A periodic task's run on one host for one period (nova's ``TaskLog``):
the instance usage audit records what it covered (servers, errors) so
``os-instance_usage_audit_log`` can tell which hosts are done."""

from oslo_versionedobjects import fields

from services.compute.objects import base

INSTANCE_USAGE_AUDIT = 'instance_usage_audit'


@base.register
class TaskLog(base.ComputeObject):
    VERSION = '1.0'
    fields = {
        'id': fields.IntegerField(),
        'task_name': fields.StringField(),
        'state': fields.StringField(),
        'host': fields.StringField(),
        'period_beginning': fields.DateTimeField(),
        'period_ending': fields.DateTimeField(),
        'message': fields.StringField(),
        'task_items': fields.IntegerField(default=0),
        'errors': fields.IntegerField(default=0),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    @base.remotable_classmethod
    def begin_task(cls, context, task_name, begin, end, host, task_items, message):
        """Record the run as RUNNING; TaskAlreadyRunning when the host has
        run (or runs) it for the period already. ``begin``/``end``: naive
        UTC ISO strings."""
        return cls._from_db(context, base.db().task_log_begin(
            task_name, begin, end, host, task_items, message))

    @base.remotable_classmethod
    def end_task(cls, context, task_name, begin, end, host, errors, message):
        return cls._from_db(context, base.db().task_log_end(
            task_name, begin, end, host, errors, message))

    @base.remotable_classmethod
    def get_all(cls, context, task_name, begin, end, host=None, state=None):
        return [cls._from_db(context, row) for row in base.db().task_log_get_all(
            task_name, begin, end, host, state)]

    @base.remotable_classmethod
    def audit_instances(cls, context, host, begin, end):
        """Dicts (uuid, flavor, launched_at, terminated_at as naive UTC ISO
        strings) of the servers, deleted ones too, that ran on ``host`` in
        the period: what the usage audit counts."""
        return [dict(row, launched_at=_iso(row['launched_at']),
                     terminated_at=_iso(row['terminated_at']))
                for row in base.db().instance_audit_rows(host, begin, end)]


def _iso(value):
    return value.isoformat() if value is not None else None
