"""Builds the image API WSGI application."""

from common import faults
from common import wsgi
from services.image import store as image_store
from services.image.core import build_managers
from services.image.api import errors
from services.image.api import hooks
from services.image.api.controllers import root

PUBLIC_PATHS = ('/', '/versions', '/v2', '/v2/')


def is_public(method, path):
    return method in ('GET', 'HEAD') and path in PUBLIC_PATHS


def setup_app(conf, store=None, staging=None, auth_strategy=None):
    store = store or image_store.get_store(conf)
    staging = staging or image_store.get_staging_store(conf)
    managers = build_managers(conf, store, staging)
    return errors.ErrorPages(wsgi.build_app(
        root.RootController(), conf, faults.image_fault,
        hooks=[hooks.ImageHook(managers)],
        public_paths=is_public,
        size_limit_exempt=hooks.is_data_upload,
        auth_strategy=auth_strategy))
