"""Walk the real Horizon's panels against deploy/stack.sh's cloud in headless chromium.

Run it with Horizon's own venv (tools/horizon/check does): it needs playwright and Debian's
chromium, and a Horizon that tools/horizon/horizon.sh started.  Every step loads a panel (or
acts in it), fails when the page shows an error banner or toast ("Error:", "Unable to") or
when one of Horizon's own /api/ calls answers 4xx/5xx, and saves a screenshot.  The result is
a table on stdout and steps.json beside the screenshots; exit 1 when a step failed.

usage: check_panels.py [--url URL] [--out DIR] [--only volumes,objects,...]
"""

import argparse
import datetime
import json
import os
import re
import sys
import time
import traceback

import yaml
from playwright.sync_api import sync_playwright

CLOUDS_YAML = os.environ.get('CLOUDS_YAML', '/etc/openstack/clouds.yaml')
ERROR_MARKERS = ('Error:', 'Unable to', 'not authorized to access')
# Where Horizon shows messages: Django messages (alerts), angular toasts, modal form errors.
BANNER_SELECTOR = ('.messages .alert, .alert-danger, .alert-error, .toast, '
                   '.modal .error, .form-group.has-error .help-block')
PARTS = ('volumes', 'objects', 'instances', 'hypervisors')


def credentials(cloud, user_env):
    """(username, password, project) of a clouds.yaml cloud, or of HORIZON_<USER>_* vars."""
    user = os.environ.get('HORIZON_%s_USER' % user_env)
    password = os.environ.get('HORIZON_%s_PASSWORD' % user_env)
    if user and password:
        return user, password
    with open(CLOUDS_YAML) as f:
        auth = yaml.safe_load(f)['clouds'][cloud]['auth']
    return auth['username'], auth['password']


class StepFailed(Exception):
    pass


class Walk:
    def __init__(self, page, url, out):
        self.page = page
        self.url = url.rstrip('/')
        self.out = out
        self.results = []
        self.api_failures = []
        self.n = 0
        page.on('response', self._response)

    def _response(self, response):
        # Horizon's REST endpoints used by the angular panels (swift, nova, ...).
        path = response.url[len(self.url):] if response.url.startswith(self.url) else ''
        # A 404 on a container's metadata is the create dialog asking whether the name is free.
        free_name = (response.status == 404 and response.request.method == 'GET'
                     and re.match(r'^/api/swift/containers/[^/]+/metadata/$', path))
        if path.startswith('/api/') and response.status >= 400 and not free_name:
            self.api_failures.append('%s %s -> %d' % (response.request.method, path,
                                                      response.status))

    # -- helpers -------------------------------------------------------------------------
    def goto(self, path):
        self.page.goto(self.url + path, wait_until='networkidle')
        if '/auth/login' in self.page.url and not path.startswith('/auth/'):
            raise StepFailed('redirected to the login page (session lost)')

    def settle(self):
        try:
            self.page.wait_for_load_state('networkidle', timeout=20000)
        except Exception:
            pass
        time.sleep(1.0)

    def banners(self):
        found = []
        for el in self.page.query_selector_all(BANNER_SELECTOR):
            try:
                text = ' '.join(el.inner_text().split())
            except Exception:
                continue
            if text and el.is_visible():
                found.append(text)
        body = self.page.inner_text('body')
        for marker in ERROR_MARKERS:
            for m in re.finditer(re.escape(marker) + r'[^\n]{0,160}', body):
                found.append(m.group(0).strip())
        bad = [t for t in found if any(k in t for k in ERROR_MARKERS)
               or 'alert-danger' in t]
        return sorted(set(bad))

    def step(self, name, fn):
        self.n += 1
        shot = os.path.join(self.out, '%02d-%s.png' % (self.n, re.sub(r'\W+', '-', name)))
        start = time.monotonic()
        self.api_failures = []
        status, detail = 'ok', ''
        try:
            note = fn()
            self.settle()
            errors = self.banners() + self.api_failures
            if errors:
                status, detail = 'FAIL', '; '.join(errors)[:600]
            elif note:
                detail = str(note)
        except Exception as e:
            status = 'FAIL'
            detail = '%s: %s' % (type(e).__name__, str(e).splitlines()[0][:400] if str(e) else '')
            if os.environ.get('HORIZON_CHECK_DEBUG'):
                traceback.print_exc()
        try:
            self.page.screenshot(path=shot, full_page=True)
        except Exception:
            shot = ''
        took = time.monotonic() - start
        self.results.append({'step': name, 'status': status, 'seconds': round(took, 1),
                             'detail': detail, 'screenshot': shot, 'page': self.page.url})
        print('%-4s %-55s %5.1fs %s' % (status, name, took, detail), flush=True)
        return status == 'ok'

    # -- login -----------------------------------------------------------------------------
    def login(self, user, password):
        self.page.context.clear_cookies()
        self.goto('/auth/login/')
        self.page.fill('#id_username', user)
        self.page.fill('#id_password', password)
        with self.page.expect_navigation(wait_until='networkidle', timeout=120000):
            self.page.click('#loginBtn', no_wait_after=True)
        if '/auth/login' in self.page.url:
            raise StepFailed('login as %s refused' % user)
        return 'landed on %s' % self.page.url[len(self.url):]

    # -- tables ----------------------------------------------------------------------------
    def row(self, name):
        """The table row whose name link reads NAME (Django tables)."""
        return self.page.locator('table tbody tr', has=self.page.locator(
            'td a', has_text=re.compile('^%s$' % re.escape(name))))

    def wait_status(self, path, name, wanted, timeout=120):
        deadline = time.monotonic() + timeout
        status = None
        while time.monotonic() < deadline:
            self.goto(path)
            row = self.row(name)
            if row.count():
                text = row.first.inner_text()
                status = next((w for w in wanted if w in text), None)
                if status:
                    return row.first.get_attribute('data-object-id')
                if 'Error' in text:
                    raise StepFailed('%s is in error: %s' % (name, ' '.join(text.split())))
            time.sleep(3)
        raise StepFailed('%s not %s within %ds' % (name, '/'.join(wanted), timeout))

    def wait_gone(self, path, name, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.goto(path)
            if not self.row(name).count():
                return
            time.sleep(3)
        raise StepFailed('%s still listed after %ds' % (name, timeout))

    def delete_rows(self, table, object_id):
        """Tick the row, press the table's Delete action, confirm the dialog."""
        # Horizon's themed checkbox hides the input behind its label.
        self.page.locator('#%s tr[data-object-id="%s"] input.table-row-multi-select'
                          % (table, object_id)).evaluate('e => e.click()')
        self.page.click('#%s__action_delete' % table)
        confirm = self.page.locator('.modal .modal-footer .btn-danger, '
                                    '.modal .modal-footer .btn-primary').first
        confirm.wait_for(state='visible', timeout=10000)
        with self.page.expect_navigation(wait_until='networkidle'):
            confirm.click()

    def submit_form(self):
        button = self.page.locator('form .modal-footer [type=submit], '
                                   'form [type=submit].btn-primary').first
        with self.page.expect_navigation(wait_until='networkidle'):
            button.click()
        errors = self.page.locator('.form-group.has-error, .alert-danger')
        if errors.count():
            raise StepFailed('form refused: ' + ' '.join(errors.first.inner_text().split()))

    # -- Horizon's REST API (the calls the angular panels make) ---------------------------
    def rest(self, method, path, **kw):
        token = next((c['value'] for c in self.page.context.cookies()
                      if c['name'] == 'csrftoken'), '')
        headers = {'X-CSRFToken': token, 'X-Requested-With': 'XMLHttpRequest',
                   'Referer': self.url + '/project/containers/'}
        headers.update(kw.pop('headers', {}))
        resp = self.page.request.fetch(self.url + path, method=method, headers=headers, **kw)
        if resp.status >= 400:
            raise StepFailed('%s %s -> %d %s' % (method, path, resp.status, resp.text()[:300]))
        return resp


def project_volumes(w, tag):
    vol, snap = 'hz-vol-' + tag, 'hz-snap-' + tag
    ids = {}

    def listing():
        w.goto('/project/volumes/')
        w.page.wait_for_selector('#volumes')
        return '%d row(s)' % w.page.locator('#volumes tbody tr[data-object-id]').count()

    def create():
        w.goto('/project/volumes/create/')
        w.page.fill('#id_name', vol)
        w.page.fill('#id_size', '1')
        w.submit_form()
        ids['vol'] = w.wait_status('/project/volumes/', vol, ['Available'])
        return 'volume %s available' % ids['vol']

    def snapshot():
        w.goto('/project/volumes/%s/create_snapshot/' % ids['vol'])
        w.page.fill('#id_name', snap)
        w.submit_form()
        ids['snap'] = w.wait_status('/project/snapshots/', snap, ['Available'])
        return 'snapshot %s available' % ids['snap']

    def delete_snapshot():
        w.goto('/project/snapshots/')
        w.delete_rows('volume_snapshots', ids['snap'])
        w.wait_gone('/project/snapshots/', snap)

    def delete_volume():
        w.goto('/project/volumes/')
        w.delete_rows('volumes', ids['vol'])
        w.wait_gone('/project/volumes/', vol)

    w.step('Project > Volumes: list', listing)
    if w.step('Project > Volumes: create volume, available', create):
        if w.step('Project > Volumes: create snapshot, available', snapshot):
            w.step('Project > Volumes > Snapshots: delete snapshot', delete_snapshot)
        w.step('Project > Volumes: delete volume', delete_volume)


def project_objects(w, tag):
    container, obj = 'hz-cont-' + tag, 'hello-%s.txt' % tag
    payload = ('Altostratus object via Horizon %s\n' % tag).encode()

    def listing():
        w.goto('/project/containers/')
        w.page.wait_for_selector('text=Container', timeout=20000)
        w.rest('GET', '/api/swift/info/')
        return '%d container(s)' % len(w.rest('GET', '/api/swift/containers/').json()['items'])

    def create_container():
        w.goto('/project/containers/')
        w.page.click('button:has-text("Container")')
        name = w.page.locator('.modal input[type=text]').first
        name.click()
        name.press_sequentially(container)
        w.page.locator('.modal-footer button.btn-primary').click()
        w.page.wait_for_selector('.modal', state='detached', timeout=20000)
        w.settle()
        w.page.locator('text=' + container).first.wait_for(timeout=20000)

    def upload():
        w.goto('/project/containers/container/%s' % container)
        w.page.locator('button:has(.fa-upload)').first.click()
        w.page.set_input_files('.modal input[type=file]', files=[
            {'name': obj, 'mimeType': 'text/plain', 'buffer': payload}])
        name = w.page.locator('.modal input[name="name"]')
        if name.count() and not name.input_value():
            name.fill(obj)
        w.page.locator('.modal-footer button.btn-primary').click()
        w.page.wait_for_selector('.modal', state='detached', timeout=30000)
        w.settle()
        w.page.locator('text=' + obj).first.wait_for(timeout=20000)

    def download():
        w.goto('/project/containers/container/%s' % container)
        body = w.rest('GET', '/api/swift/containers/%s/object/%s' % (container, obj)).body()
        if body != payload:
            raise StepFailed('downloaded %d bytes, not the %d uploaded' % (len(body),
                                                                          len(payload)))
        return 'downloaded %d bytes, same content' % len(body)

    def delete_object():
        w.goto('/project/containers/container/%s' % container)
        row = w.page.locator('tr', has=w.page.locator('text=' + obj)).first
        row.locator('.dropdown-toggle').first.click()
        row.locator('a:has-text("Delete"), button:has-text("Delete")').first.click()
        # The dialog counts what it deletes (Delete), deletes, then offers OK.
        danger = w.page.locator('.modal-footer button.btn-danger')
        danger.filter(has_text='Delete').wait_for(timeout=20000)
        w.page.wait_for_function(
            "!document.querySelector('.modal-footer button.btn-danger').disabled")
        danger.click()
        danger.filter(has_text='OK').wait_for(timeout=30000)
        w.page.wait_for_function(
            "!document.querySelector('.modal-footer button.btn-danger').disabled")
        danger.click()
        w.page.wait_for_selector('.modal', state='detached', timeout=20000)
        w.settle()
        items = w.rest('GET', '/api/swift/containers/%s/objects/' % container).json()['items']
        if any(i.get('name') == obj for i in items):
            raise StepFailed('%s still listed' % obj)

    def delete_container():
        w.goto('/project/containers/container/%s' % container)
        w.page.locator('.hz-container-delete-icon').first.click()
        w.page.locator('.modal-footer button:has-text("Delete")').first.click()
        w.page.wait_for_selector('.modal', state='detached', timeout=20000)
        w.settle()
        names = [c['name'] for c in w.rest('GET', '/api/swift/containers/').json()['items']]
        if container in names:
            raise StepFailed('%s still listed' % container)

    w.step('Project > Object Store > Containers: list', listing)
    if w.step('Project > Object Store: create container', create_container):
        if w.step('Project > Object Store: upload a file', upload):
            w.step('Project > Object Store: download it', download)
            w.step('Project > Object Store: delete object', delete_object)
        w.step('Project > Object Store: delete container', delete_container)


def project_instances(w, tag):
    def listing():
        w.goto('/project/instances/')
        w.page.wait_for_selector('#instances')
        return '%d row(s)' % w.page.locator('#instances tbody tr[data-object-id]').count()

    w.step('Project > Compute > Instances: list', listing)


def admin_hypervisors(w, tag):
    def hypervisors():
        w.goto('/admin/hypervisors/')
        w.page.wait_for_selector('#hypervisors')
        return '%d hypervisor(s)' % w.page.locator(
            '#hypervisors tbody tr[data-object-id]').count()

    def compute_host():
        w.goto('/admin/hypervisors/')
        w.page.click('a[data-target$="compute_host"], a:has-text("Compute Host")')
        w.page.wait_for_selector('#compute_host')
        return '%d host(s)' % w.page.locator('#compute_host tbody tr[data-object-id]').count()

    def providers():
        w.goto('/admin/hypervisors/')
        tab = w.page.locator('a:has-text("Resource Provider")')
        if not tab.count():
            return 'no resource provider tab in this Horizon'
        tab.first.click()
        return 'resource provider tab shown'

    w.step('Admin > Compute > Hypervisors: list', hypervisors)
    w.step('Admin > Compute > Hypervisors: Compute Host tab', compute_host)
    w.step('Admin > Compute > Hypervisors: resource providers', providers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--url', default=os.environ.get('HORIZON_URL', 'http://127.0.0.1:8091'))
    parser.add_argument('--out', default=None)
    parser.add_argument('--only', default=','.join(PARTS))
    parser.add_argument('--browser', default=os.environ.get('CHROMIUM', '/usr/bin/chromium'))
    args = parser.parse_args()
    if not re.match(r'^http://(127\.0\.0\.1|localhost):', args.url):
        parser.error('--url must be on loopback')
    tag = datetime.datetime.utcnow().strftime('%H%M%S')
    out = args.out or os.path.join(os.environ.get('HORIZON_HOME', '/var/tmp/alto-horizon'),
                                   'screenshots-' + tag)
    os.makedirs(out, exist_ok=True)
    print('screenshots in %s' % out, flush=True)
    parts = [p for p in args.only.split(',') if p]
    demo = credentials('altostratus', 'DEMO')
    admin = credentials('altostratus-admin', 'ADMIN')

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.browser, headless=True,
                                     args=['--no-sandbox', '--disable-dev-shm-usage'])
        page = browser.new_context(viewport={'width': 1400, 'height': 900},
                                   accept_downloads=True).new_page()
        page.set_default_timeout(30000)
        page.set_default_navigation_timeout(120000)
        w = Walk(page, args.url, out)
        project = [p for p in parts if p != 'hypervisors']
        if project and w.step('log in as %s' % demo[0], lambda: w.login(*demo)):
            for part in project:
                globals()['project_' + part](w, tag)
        if 'hypervisors' in parts and w.step('log in as %s' % admin[0],
                                             lambda: w.login(*admin)):
            admin_hypervisors(w, tag)
        browser.close()

    with open(os.path.join(out, 'steps.json'), 'w') as f:
        json.dump(w.results, f, indent=2)
    failed = [r for r in w.results if r['status'] != 'ok']
    print('%d step(s), %d failed; screenshots and steps.json in %s'
          % (len(w.results), len(failed), out))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
