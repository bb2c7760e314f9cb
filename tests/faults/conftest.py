"""The fault-injection suite: real daemons, each scenario with a broker and
database server of its own (tests/faults/backing.py), never the machine's
shared RabbitMQ / MariaDB / PostgreSQL."""

import pytest

from tests.faults import backing
from tests.faults import figures


def pytest_collection_modifyitems(config, items):
    if figures.form() == 'full':
        return
    skip = pytest.mark.skip(reason='full form only (ALTO_FAULTS=full)')
    for item in items:
        scenario = item.get_closest_marker('scenario')
        if scenario and scenario.args[0] not in figures.LIGHT_SCENARIOS:
            item.add_marker(skip)


def pytest_configure(config):
    config.addinivalue_line('markers', 'scenario(name): the fault scenario a test runs')


def pytest_terminal_summary(terminalreporter):
    if not figures.RESULTS:
        return
    terminalreporter.section('fault figures (%s form)' % figures.form())
    for fig in figures.RESULTS:
        terminalreporter.write_line(fig.line())
    figures.write_report(figures.form(), figures.RESULTS)
    terminalreporter.write_line('written to %s' % figures.REPORT)


@pytest.fixture(scope='session')
def suite_mariadb(tmp_path_factory):
    """A private MariaDB the scenarios that do not restart it share (one
    database each)."""
    server = backing.PrivateMariaDB(tmp_path_factory.mktemp('mariadb')).install().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope='session')
def suite_rabbit(tmp_path_factory):
    """A private RabbitMQ node the scenarios share (a vhost each: see
    ``rabbit_url``); the broker-outage scenario stops and restarts it."""
    broker = backing.PrivateRabbit(tmp_path_factory.mktemp('rabbit')).start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture
def rabbit_url(suite_rabbit):
    return suite_rabbit.vhost_url()
