"""``GET /v2/info/import``: which interoperable import methods are on."""

import pecan

from services.image.api.controllers import base


class InfoController:

    @pecan.expose('json')
    def import_(self):
        base.only_get()
        return {'import-methods': {'description': 'Import methods available.',
                                   'type': 'array',
                                   'value': list(base.conf().image.enabled_import_methods)}}


pecan.route(InfoController, 'import', InfoController.import_)
