"""Traits (from 1.6): os-traits' standard names and CUSTOM_* ones."""

from services.compute.placement import policies
from services.compute.placement.controllers import common


def index(req):
    common.only(req, ['name', 'associated'])
    policies.authorize(req.context, 'traits:list')
    names = common.call(req, 'list_traits')
    wanted = req.params.get('name')
    if wanted:
        if wanted.startswith('startswith:'):
            names = [n for n in names if n.startswith(wanted[len('startswith:'):])]
        elif wanted.startswith('in:'):
            chosen = set(wanted[3:].split(','))
            names = [n for n in names if n in chosen]
        else:
            raise common.bad("Badly formatted name parameter. Expected name query string "
                             "parameter in form: ?name=[in|startswith]:[name1,name2|prefix]. "
                             "Got: \"%s\"" % wanted)
    return {'traits': names}


def show(req, name):
    policies.authorize(req.context, 'traits:show')
    if name not in common.call(req, 'list_traits'):
        raise common.exception.PlacementNotFound('No such trait(s): %s.' % name,
                                                 error_code='placement.undefined_code')
    return common.Response(status=204)


def update(req, name):
    policies.authorize(req.context, 'traits:update')
    created = common.call(req, 'create_trait', name=name)
    return common.Response(status=201 if created else 204,
                           headers={'Location': '/traits/%s' % name})


def delete(req, name):
    policies.authorize(req.context, 'traits:delete')
    common.call(req, 'delete_trait', name=name)
    return common.Response(status=204)


def register(router):
    router.add('GET', '/traits', index, min_version=(1, 6))
    router.add('GET', '/traits/{name}', show, min_version=(1, 6))
    router.add('PUT', '/traits/{name}', update, min_version=(1, 6))
    router.add('DELETE', '/traits/{name}', delete, min_version=(1, 6))
