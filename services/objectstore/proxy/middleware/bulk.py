"""Bulk operations on an account.

``PUT /v1/<account>[/<container>[/<prefix>]]?extract-archive=tar|tar.gz|tar.bz2``
stores every regular file of the archive as an object (its path, under the
upload path, names ``<container>/<object>``; containers are created as
needed).  ``DELETE`` (or ``POST``) ``/v1/<account>?bulk-delete`` with one
URL-encoded ``<container>[/<object>]`` per line deletes each, in order.

Both answer 200 with Swift's summary (plain text, or JSON / XML as
``Accept`` asks): the counts, the status the whole would have had, and the
names that failed with their status.
"""

import json
import tarfile
import urllib.parse
from xml.sax import saxutils

import webob

from services.objectstore.proxy.middleware import subrequest

MAX_DELETES = 10000
MAX_FAILED = 1000
MAX_CONTAINERS = 10000
MAX_PATH = 2 ** 17
ARCHIVES = {'tar': 'r|', 'tar.gz': 'r|gz', 'tar.bz2': 'r|bz2'}


def capabilities(conf):
    return {'bulk_upload': {'max_containers_per_extraction': MAX_CONTAINERS,
                            'max_failed_extractions': MAX_FAILED},
            'bulk_delete': {'max_deletes_per_request': MAX_DELETES,
                            'max_failed_deletes': MAX_FAILED}}


def summary(req, counts, errors, root):
    """Swift's bulk answer body: ``counts`` and ``errors`` [(name, status)]."""
    accept = req.accept.best_match(['text/plain', 'application/json', 'application/xml',
                                    'text/xml']) or 'text/plain'
    if accept == 'application/json':
        body = json.dumps(dict(counts, Errors=[list(e) for e in errors]))
    elif accept.endswith('xml'):
        def tag(name):
            return name.lower().replace(' ', '_')
        items = ''.join('<%s>%s</%s>' % (tag(k), saxutils.escape(str(v)), tag(k))
                        for k, v in sorted(counts.items()))
        errs = ''.join('<object><name>%s</name><status>%s</status></object>' % (
            saxutils.escape(n), saxutils.escape(s)) for n, s in errors)
        body = '<?xml version="1.0" encoding="UTF-8"?>\n<%s>%s<errors>%s</errors></%s>' % (
            root, items, errs, root)
    else:
        body = ''.join('%s: %s\n' % (k, counts[k]) for k in sorted(counts))
        body += 'Errors:\n' + ''.join('%s, %s\n' % e for e in errors)
    return webob.Response(status=200, content_type=accept, charset='utf-8',
                          body=body.encode('utf-8'))


class Bulk(subrequest.Module):

    def handle(self, req, account, container, obj):
        if account is None:
            return self.passthrough(req)
        if req.method == 'PUT' and 'extract-archive' in req.GET:
            mode = ARCHIVES.get(req.GET['extract-archive'])
            if mode is None:
                return webob.Response(status=400, content_type='text/plain',
                                      body=b'Unsupported archive format')
            base = '/'.join(n for n in (container, obj) if n)
            return self._extract(req, account, base, mode)
        if req.method in ('DELETE', 'POST') and 'bulk-delete' in req.GET and \
                container is None:
            return self._delete(req, account)
        return self.passthrough(req)

    def _extract(self, req, account, base, mode):
        created, errors, made = 0, [], set()
        status = '201 Created'
        try:
            archive = tarfile.open(mode=mode, fileobj=req.body_file)
            for member in archive:
                if not member.isreg():
                    continue
                name = member.name
                while name.startswith('./'):
                    name = name[2:]
                path = '/'.join(p for p in (base, name.lstrip('/')) if p)
                container, _, obj = path.partition('/')
                if not container or not obj:
                    errors.append((urllib.parse.quote(path), '400 Bad Request'))
                    continue
                if container not in made:
                    if len(made) >= MAX_CONTAINERS:
                        errors.append((urllib.parse.quote(path), '400 Bad Request'))
                        continue
                    put = subrequest.call(self.app, req.environ, 'PUT',
                                          subrequest.api_path(account, container),
                                          source='bulk')
                    if put.status_int // 100 != 2:
                        errors.append((urllib.parse.quote(container), put.status))
                        continue
                    made.add(container)
                put = subrequest.make(req.environ, 'PUT',
                                      subrequest.api_path(account, container, obj),
                                      {'Content-Type': 'application/octet-stream'},
                                      source='bulk')
                put.body_file_raw = archive.extractfile(member)   # streamed, not read
                put.content_length = member.size
                resp = subrequest.respond(self.app, put)
                if resp.status_int // 100 == 2:
                    created += 1
                else:
                    errors.append((urllib.parse.quote(path), resp.status))
                if len(errors) >= MAX_FAILED:
                    break
        except (tarfile.TarError, EOFError, OSError):
            status = '400 Bad Request'
            errors.append(('', 'Invalid Tar File'))
        if errors and status.startswith('201'):
            status = '400 Bad Request'
        return summary(req, {'Number Files Created': created, 'Response Body': '',
                             'Response Status': status}, errors, 'extract_archive')

    def _delete(self, req, account):
        names = [urllib.parse.unquote(line.strip()) for line in
                 req.body_file.read(MAX_DELETES * 1024).decode('utf-8', 'replace').split('\n')
                 if line.strip()]
        if len(names) > MAX_DELETES:
            return webob.Response(status=413, content_type='text/plain',
                                  body=b'Maximum Bulk Deletes: %d per request' % MAX_DELETES)
        deleted, missing, errors = 0, 0, []
        for name in names:
            container, _, obj = name.lstrip('/').partition('/')
            if not container:       # never the account itself
                errors.append((urllib.parse.quote(name), '400 Bad Request'))
                continue
            resp = subrequest.call(self.app, req.environ, 'DELETE',
                                   subrequest.api_path(account, container, obj or None),
                                   source='bulk')
            if resp.status_int // 100 == 2:
                deleted += 1
            elif resp.status_int == 404:
                missing += 1
            else:
                errors.append((urllib.parse.quote(name), resp.status))
                if len(errors) >= MAX_FAILED:
                    break
        status = '400 Bad Request' if errors else '200 OK'
        return summary(req, {'Number Deleted': deleted, 'Number Not Found': missing,
                             'Response Body': '', 'Response Status': status}, errors,
                       'delete')
