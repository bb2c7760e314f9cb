import json
import os

from tests.functional.fuzz import client
from tests.functional.identity.fixtures import identity_server  # noqa: F401
from tests.functional.image.fixtures import image_server  # noqa: F401
from tests.functional.network.fixtures import network_server  # noqa: F401


def pytest_terminal_summary(terminalreporter):
    stats = client.STATS
    if not stats.requests:
        return
    from tests.functional.fuzz import test_fuzz_apis as suite
    summary = dict(stats.summary(), seed=suite.SEED, examples_per_service=suite.EXAMPLES)
    terminalreporter.write_line(
        'fuzz: %(requests)d requests, %(server_errors)d answered 5xx, %(findings)d findings, '
        'seed %(seed)d, %(examples_per_service)d random examples per service' % summary)
    report = os.environ.get('ALTO_FUZZ_REPORT')
    if report:
        summary['findings'] = [{
            'tag': f.request.tag, 'request': f.request.describe(),
            'request_body': (f.request.body or b'')[:4000].decode('utf-8', 'backslashreplace'),
            'status': f.status, 'problem': f.problem,
            'body': f.body[:500].decode('utf-8', 'replace')} for f in stats.findings]
        with open(report, 'w') as out:
            json.dump(summary, out, indent=1)
