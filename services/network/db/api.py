"""Transactions on the network database (conductor only).

``writer(context)`` / ``reader(context)`` open an enginefacade transaction
bound to the request context; a nested call joins the outer transaction.
"""

from common import db

SERVICE = 'network'


def _manager():
    return db.get_context_manager(SERVICE)


def writer(context):
    return _manager().writer.using(context)


def reader(context):
    return _manager().reader.using(context)


def configure(conf):
    db.configure(SERVICE, conf)
