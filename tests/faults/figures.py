"""Sizes of the two run forms and the figures every scenario reports.

``ALTO_FAULTS=light`` (the default; what ``tools/run_tests.sh all`` runs)
keeps the suite to a few minutes; ``ALTO_FAULTS=full`` (``tox -e
faults``) is the 100-server storm with a 20 s outage.  Any size can be
overridden by ``ALTO_FAULTS_<NAME>`` (e.g. ``ALTO_FAULTS_SERVERS=40``).

Each scenario ends with one line of figures -- requests sent, answered,
lost, resources stuck, seconds to recover -- printed and written to
``docs/reliability.md`` (one table per run form, with its command).
"""

import dataclasses
import datetime
import os
import pathlib
import re
import threading

FORMS = {
    # soak_mixed: 1 adds tokens, ports and images (real identity, image and
    # network daemons) to the soak's servers; the light form stays servers
    # only (CI: short and steady).
    # schedule_timeout: how long a build may wait to be scheduled before the
    # watchdog fails it; a 100-server storm queues builds longer than that
    # on a busy two-core machine, so the full form gives them more.
    'light': {'servers': 8, 'concurrency': 4, 'outage': 3, 'ports': 24, 'hosts': 2,
              'settle': 90, 'schedule_timeout': 45, 'volumes': 8, 'objects': 24,
              'soak_s': 120, 'soak_rss_mib': 8, 'soak_mixed': 0},
    'full': {'servers': 100, 'concurrency': 10, 'outage': 20, 'ports': 100, 'hosts': 3,
             'settle': 360, 'schedule_timeout': 180, 'volumes': 30, 'objects': 200,
             'soak_s': 600, 'soak_rss_mib': 16, 'soak_mixed': 1},
}
#: the scenarios the light form runs; the full form runs all of them
LIGHT_SCENARIOS = ('broker-outage', 'compute-kill', 'image-store-full', 'volume-kill',
                   'object-server-kill', 'soak')
REPORT = pathlib.Path(os.environ.get(
    'ALTO_FAULTS_REPORT', pathlib.Path(__file__).resolve().parents[2] / 'docs' / 'reliability.md'))
COMMANDS = {'light': '`ALTO_FAULTS=light pytest -q -m faults tests/faults` '
                     '(the end of `tools/run_tests.sh all`)',
            'full': '`tox -e faults` (`ALTO_FAULTS=full pytest -q -m faults tests/faults`)'}


def form():
    name = os.environ.get('ALTO_FAULTS', 'light') or 'light'
    if name not in FORMS:
        raise ValueError('ALTO_FAULTS must be one of %s, not %r' % (', '.join(FORMS), name))
    return name


def size(name):
    override = os.environ.get('ALTO_FAULTS_%s' % name.upper())
    return int(override) if override else FORMS[form()][name]


@dataclasses.dataclass
class Figures:
    scenario: str
    sent: int = 0
    answered: int = 0
    lost: int = 0
    stuck: int = 0
    recover_s: float = None
    detail: str = ''

    def line(self):
        recover = '-' if self.recover_s is None else '%.1f' % self.recover_s
        return ('FAULTS %-18s sent=%d answered=%d lost=%d stuck=%d recover_s=%s  %s'
                % (self.scenario, self.sent, self.answered, self.lost, self.stuck, recover,
                   self.detail)).rstrip()


class Tally:
    """Thread-safe count of the requests a scenario sent and what came back."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = self.answered = self.lost = 0
        self.statuses = {}
        self.bad = []          # answers a fault must never produce

    def record(self, answer, what=''):
        with self.lock:
            self.sent += 1
            if answer is None:
                self.lost += 1
                return
            self.answered += 1
            self.statuses[answer.status] = self.statuses.get(answer.status, 0) + 1
            if answer.status >= 500 and not (answer.status in (503, 507) and
                                             answer.headers.get('Retry-After')):
                self.bad.append('%s -> %d %s' % (what, answer.status, answer.text[:200]))
            elif answer.status == 503 and not answer.headers.get('Retry-After'):
                self.bad.append('%s -> 503 without Retry-After' % what)

    def figures(self, scenario, **kwargs):
        codes = ' '.join('%d:%d' % item for item in sorted(self.statuses.items()))
        detail = ('codes %s' % codes + (' ' + kwargs.pop('detail') if kwargs.get('detail')
                                        else '')).strip()
        kwargs.pop('detail', None)
        return Figures(scenario, self.sent, self.answered, self.lost, detail=detail, **kwargs)


RESULTS = []


def report(figures):
    """Print the line and rewrite the form's table (after every scenario, so
    an interrupted run keeps what it measured)."""
    print(figures.line())
    RESULTS.append(figures)
    write_report(form(), RESULTS)


def write_report(run_form, results, path=REPORT):
    """Replace this form's table in ``path`` (other forms' tables stay)."""
    if not results:
        return
    start, end = '<!-- faults:%s:start -->' % run_form, '<!-- faults:%s:end -->' % run_form
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    sizes = ', '.join('%s=%s' % (k, size(k)) for k in FORMS[run_form])
    rows = ['%s' % start,
            '%s -- %s; sizes: %s' % (COMMANDS[run_form], stamp, sizes), '',
            '| scenario | sent | answered | lost | stuck | recover (s) | detail |',
            '|---|---|---|---|---|---|---|']
    for fig in results:
        rows.append('| %s | %d | %d | %d | %d | %s | %s |' % (
            fig.scenario, fig.sent, fig.answered, fig.lost, fig.stuck,
            '-' if fig.recover_s is None else '%.1f' % fig.recover_s, fig.detail))
    text = path.read_text() if path.exists() else '# Reliability under faults\n'
    # Rows of scenarios this run did not measure stay (re-running one updates its row).
    measured = {fig.scenario for fig in results}
    old = re.search(re.escape(start) + '(.*?)' + re.escape(end), text, flags=re.S)
    kept = 0
    for line in (old.group(1).splitlines() if old else []):
        name = line.split('|')[1].strip() if line.startswith('| ') else None
        if name and name != 'scenario' and name not in measured:
            rows.insert(5 + kept, line)   # in their order, before this run's
            kept += 1
    rows.append(end)
    block = '\n'.join(rows)
    if start in text and end in text:
        text = re.sub(re.escape(start) + '.*?' + re.escape(end), lambda _: block, text,
                      flags=re.S)
    else:
        text = text.rstrip('\n') + '\n\n## %s form\n\n%s\n' % (run_form.capitalize(), block)
    path.write_text(text)
