"""``[assignment]``: rules about roles and their implications."""

from oslo_config import cfg

assignment_group = cfg.OptGroup('assignment', title='Roles and role assignments')
assignment_opts = [
    cfg.ListOpt('prohibited_implied_role', default=['admin'],
                help='Names of roles no other role may imply (PUT '
                     '/v3/roles/{prior}/implies/{implied} answers 403 for them). '
                     'Keeps the most powerful role from being handed out '
                     'indirectly.'),
]


def register_opts(conf):
    conf.register_group(assignment_group)
    conf.register_opts(assignment_opts, group=assignment_group)


def list_opts():
    return [(assignment_group, assignment_opts)]
