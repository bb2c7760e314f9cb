"""Compute versioned objects.

``register_all()`` imports every object module so the registry knows them;
daemons call it once at start-up.
"""


def register_all():
    from services.compute.objects import aggregate  # noqa: F401
    from services.compute.objects import block_device  # noqa: F401
    from services.compute.objects import compute_node  # noqa: F401
    from services.compute.objects import console_auth_token  # noqa: F401
    from services.compute.objects import flavor  # noqa: F401
    from services.compute.objects import instance  # noqa: F401
    from services.compute.objects import instance_action  # noqa: F401
    from services.compute.objects import keypair  # noqa: F401
    from services.compute.objects import migration  # noqa: F401
    from services.compute.objects import quota  # noqa: F401
    from services.compute.objects import request_spec  # noqa: F401
    from services.compute.objects import server_group  # noqa: F401
    from services.compute.objects import service  # noqa: F401
    from services.compute.objects import task_log  # noqa: F401
