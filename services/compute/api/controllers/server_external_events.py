"""POST /os-server-external-events: other services (the network service's
port notifier) tell compute about its servers; an admin or service-role API.

Each event is answered in the body with its own ``code``: 200 when it was
forwarded to the server's compute host, 404 for an unknown server, 422 for a
server on no host, 400 for a ``volume-extended`` without ``tag`` or a
``power-update`` (2.76) whose tag is not POWER_ON / POWER_OFF or an
``accelerator-request-bound`` (2.82) or a ``volume-reimaged`` (2.93)
without one; the
response is 207 when some were refused and 404 when none was forwarded.
"""

from services.compute.api import compute_api
from services.compute.api import policies
from services.compute.api import router
from services.compute.api.controllers import common
from services.compute.api.schemas import server_external_events as schemas


def register(r):
    r.add('POST', '/os-server-external-events', create)


def create(req):
    schema = (schemas.create_v293 if req.at_least(93) else
              schemas.create_v282 if req.at_least(82) else
              schemas.create_v276 if req.at_least(76) else
              schemas.create_v251 if req.at_least(51) else schemas.create)
    body = common.validate(schema, req.body)
    policies.authorize(req.context, 'os-server-external-events:create')
    events, status = compute_api.external_instance_events(req.context, body['events'])
    return router.Response({'events': events}, status)
