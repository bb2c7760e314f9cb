"""os-simple-tenant-usage bodies from the conductor's usage rows.

Hours are the part of the asked window each server lived: from the later of
its launch and the window's start to the earlier of its deletion and the
window's end.
"""

import datetime

TIME_FORMAT = '%Y-%m-%dT%H:%M:%S.%f'


def time_text(value):
    """``value`` in TIME_FORMAT; years before 1000 keep their four digits,
    which strftime does not promise."""
    return value.replace(tzinfo=None).isoformat(timespec='microseconds')


def _time(value):
    return datetime.datetime.strptime(value, TIME_FORMAT) if value else None


def hours_for(row, start, stop):
    launched, terminated = _time(row['launched_at']), _time(row['terminated_at'])
    if not launched or launched > stop or (terminated and terminated < start):
        return 0
    end = min(stop, terminated) if terminated else stop
    return (end - max(launched, start)).total_seconds() / 3600.0


def server_usage(row, start, stop, now):
    launched, terminated = _time(row['launched_at']), _time(row['terminated_at'])
    return {
        'instance_id': row['instance_id'], 'name': row['name'],
        'tenant_id': row['tenant_id'], 'flavor': row['flavor'],
        'hours': hours_for(row, start, stop), 'memory_mb': row['memory_mb'],
        'local_gb': row['local_gb'], 'vcpus': row['vcpus'],
        'started_at': row['launched_at'], 'ended_at': row['terminated_at'],
        'state': 'terminated' if terminated else row['vm_state'],
        'uptime': int(((terminated or now) - launched).total_seconds()),
    }


def tenant_usages(rows, start, stop, now, detailed):
    """(one summary per project in row order, every server's usage)."""
    summaries = {}
    servers = []
    for row in rows:
        info = server_usage(row, start, stop, now)
        summary = summaries.get(info['tenant_id'])
        if summary is None:
            summary = summaries[info['tenant_id']] = {
                'tenant_id': info['tenant_id'], 'total_local_gb_usage': 0,
                'total_vcpus_usage': 0, 'total_memory_mb_usage': 0, 'total_hours': 0,
                'start': time_text(start), 'stop': time_text(stop)}
            if detailed:
                summary['server_usages'] = []
        summary['total_local_gb_usage'] += info['local_gb'] * info['hours']
        summary['total_vcpus_usage'] += info['vcpus'] * info['hours']
        summary['total_memory_mb_usage'] += info['memory_mb'] * info['hours']
        summary['total_hours'] += info['hours']
        servers.append(info)
        if detailed:
            summary['server_usages'].append(info)
    return list(summaries.values()), servers
