"""``[assignment]``: rules about roles and their implications."""

from oslo_config import cfg

assignment_opts = [
    cfg.ListOpt('prohibited_implied_role', default=['admin'],
                help='Names of roles no other role may imply (PUT '
                     '/v3/roles/{prior}/implies/{implied} answers 403 for them). '
                     'Keeps the most powerful role from being handed out '
                     'indirectly.'),
]


def _group():
    # a new OptGroup per registration: oslo.config keeps a shallow copy whose
    # option table (and so any set_override) would be shared between configs
    return cfg.OptGroup('assignment', title='Roles and role assignments')


def register_opts(conf):
    group = _group()
    conf.register_group(group)
    conf.register_opts(assignment_opts, group=group)


def list_opts():
    return [(_group(), assignment_opts)]
