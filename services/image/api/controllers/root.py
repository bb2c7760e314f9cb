"""Version discovery and the /v2 tree."""

import pecan

from common import wsgi
from services.image.api.controllers import base
from services.image.api.controllers import images
from services.image.api.controllers import info
from services.image.api.controllers import metadefs
from services.image.api.controllers import schemas
from services.image.api.controllers import tasks

#: Image API versions this service speaks; the first is current.
VERSIONS = ['2.9', '2.8', '2.7', '2.6', '2.5', '2.4', '2.3', '2.2', '2.1', '2.0']


def versions_body():
    base = wsgi.base_url(pecan.request.managers.conf, pecan.request)
    return {'versions': [
        {'id': 'v%s' % v, 'status': 'CURRENT' if i == 0 else 'SUPPORTED',
         'links': [{'rel': 'self', 'href': '%s/v2/' % base}]}
        for i, v in enumerate(VERSIONS)]}


class V2Controller:
    images = images.ImagesController()
    schemas = schemas.SchemasController()
    info = info.InfoController()
    metadefs = metadefs.MetadefsController()
    tasks = tasks.TasksController()

    @pecan.expose('json')
    def index(self):
        base.only_get()
        return versions_body()


class RootController:
    v2 = V2Controller()

    @pecan.expose('json')
    def index(self):
        base.only_get()
        # As glance does: the root lists versions with 300 Multiple Choices.
        pecan.response.status = 300
        return versions_body()

    @pecan.expose('json')
    def versions(self):
        base.only_get()
        return versions_body()
