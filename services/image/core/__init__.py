"""Business logic of the image service, one manager per concern.

Managers sit between the API controllers and ``services.image.db``: they
decide who sees an image, build rows from request bodies, move images
through their statuses, drive the data path into the stores and run import
tasks.  Controllers validate the request, enforce the policy, make one
manager call and shape the answer with a view; they never reach the
database or the stores themselves.

:func:`build_managers` is the one place the managers are made and wired
to each other (no registry).
"""

import dataclasses


def is_admin(ctx):
    return ctx.is_admin or 'admin' in (ctx.roles or [])


def is_service(ctx):
    """Compute's service user acting on its own (no user token)."""
    return 'service' in (ctx.roles or [])


@dataclasses.dataclass
class Managers:
    conf: object
    images: object
    members: object
    tags: object
    data: object
    tasks: object
    metadefs: object


def build_managers(conf, store, staging):
    """The managers on the data ``store`` and the ``staging`` store."""
    from services.image.core import data
    from services.image.core import images
    from services.image.core import members
    from services.image.core import metadefs
    from services.image.core import tags
    from services.image.core import tasks

    images_mgr = images.ImageManager(conf, store, staging)
    data_mgr = data.DataManager(conf, store, staging)
    return Managers(conf=conf, images=images_mgr,
                    members=members.MemberManager(),
                    tags=tags.TagManager(),
                    data=data_mgr,
                    tasks=tasks.TaskManager(conf, store, data_mgr),
                    metadefs=metadefs.MetadefManager())
