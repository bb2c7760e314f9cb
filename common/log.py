"""Logging set-up through oslo.log."""

from oslo_log import log as logging

_QUIET_LOGGERS = ['amqp=WARN', 'amqplib=WARN', 'kombu=WARN', 'oslo.messaging=INFO',
                  'oslo_messaging=INFO', 'sqlalchemy=WARN', 'stevedore=WARN',
                  'urllib3=WARN', 'keystonemiddleware=INFO', 'routes=WARN',
                  'iso8601=WARN', 'eventlet.wsgi.server=INFO', 'oslo_policy=INFO',
                  'keystoneauth=INFO', 'pecan=WARN', 'passlib=WARN']


def setup(conf, name):
    logging.set_defaults(default_log_levels=logging.get_default_log_levels() + _QUIET_LOGGERS)
    logging.setup(conf, name)


def getLogger(name):
    return logging.getLogger(name)
