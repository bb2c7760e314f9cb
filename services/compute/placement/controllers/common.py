"""Helpers shared by the placement controllers: the conductor call and
placement's query syntax."""

import re

from common import rpc
from services.compute import exception
from services.compute.api import router as api_router
from services.compute.conductor import rpcapi as conductor_rpcapi

Response = api_router.Response
_API = None
_RESOURCE_RE = re.compile(r'^([A-Z0-9_]+):(\d+)$')


def conductor():
    """The conductor client, rebuilt when the process's transport changed."""
    global _API
    if _API is None or _API.client.transport is not rpc.get_transport():
        _API = conductor_rpcapi.ConductorAPI()
    return _API


def call(req, operation, **args):
    """One operation of conductor/placement.py:OPERATIONS."""
    return conductor().placement(req.context, operation, args)


def bad(detail):
    return exception.PlacementBadRequest(detail, error_code='placement.undefined_code')


def resources(value):
    """``VCPU:1,MEMORY_MB:512`` -> {class: amount}."""
    out = {}
    for item in value.split(','):
        match = _RESOURCE_RE.match(item.strip())
        if not match:
            raise bad('Badly formed resources parameter. Expected resources query '
                      'string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024. '
                      'Got: %s.' % value)
        amount = int(match.group(2))
        if amount < 1:
            raise bad('Requested resource %s expected positive integer amount.'
                      % match.group(1))
        out[match.group(1)] = amount
    return out


def member_of(req):
    """``member_of`` (repeatable from 1.24): list of lists (each: any of)."""
    values = req.params.getall('member_of')
    if len(values) > 1 and not req.at_least(24):
        raise bad('Multiple member_of parameters are not supported')
    out = []
    for value in values:
        value = value[3:] if value.startswith('in:') else value
        out.append([v.strip() for v in value.split(',') if v.strip()])
    return out


def traits(req, value):
    """``required``: (required entries, forbidden names); ``!`` from 1.22,
    ``in:`` (any of) from 1.39."""
    required, forbidden = [], []
    for raw in req.params.getall(value):
        if raw.startswith('in:'):
            if not req.at_least(39):
                raise bad('Invalid query string parameters: %s' % raw)
            required.append([t.strip() for t in raw[3:].split(',') if t.strip()])
            continue
        for name in (t.strip() for t in raw.split(',')):
            if not name:
                raise bad('Invalid query string parameters: Expected \'required\' '
                          'parameter value of the form: HW_CPU_X86_VMX,CUSTOM_MAGIC.')
            if name.startswith('!'):
                if not req.at_least(22):
                    raise bad('Invalid query string parameters: %s' % raw)
                forbidden.append(name[1:])
            else:
                required.append(name)
    return required, forbidden


def only(req, allowed):
    unknown = sorted(set(req.params) - set(allowed))
    if unknown:
        raise bad('Invalid query string parameters: %s' % ', '.join(unknown))
