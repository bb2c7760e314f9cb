"""The compute API's route table: :mod:`common.routing` with compute's
microversions (the names here are what every compute controller uses)."""

from common import routing
from services.compute.api import microversion

Request = routing.Request
Response = routing.Response
Router = routing.Router
read_only = routing.read_only


def dispatch(router, prefix):
    return routing.dispatch(router, prefix, microversion.VERSIONS)
