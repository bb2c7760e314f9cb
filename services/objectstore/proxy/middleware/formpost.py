"""FormPost: a browser uploads objects with an HTML form, without a token.

``POST /v1/<account>/<container>[/<prefix>]`` with ``multipart/form-data``
fields ``redirect``, ``max_file_size``, ``max_file_count``, ``expires`` and
``signature``: an HMAC (as a temporary URL's: sha1, sha256 or sha512) with
one of the account's or the container's temp-URL keys of
``<path>\\n<redirect>\\n<max_file_size>\\n<max_file_count>\\n<expires>``.
Every file field becomes the object ``<prefix><filename>``; optional
``x_delete_at`` / ``x_delete_after`` fields set its expiry.  The answer is
``303`` to ``redirect?status=<code>&message=<text>``, or the status as
plain text when there is no redirect.
"""

import hmac
import time
import urllib.parse

import webob

from services.objectstore.proxy.middleware import subrequest
from services.objectstore.proxy.middleware import tempurl

FIELDS = ('redirect', 'max_file_size', 'max_file_count', 'expires', 'signature')


def capabilities(conf):
    return {'formpost': {'allowed_digests': sorted(tempurl.DIGESTS)}}


def _answer(redirect, status, message=''):
    code = int(status.split()[0])
    if not redirect:
        body = status + ('\r\nFormPost: %s' % message if message else '')
        return webob.Response(status=status, content_type='text/plain', charset='utf-8',
                              body=body.encode('utf-8'))
    sep = '&' if '?' in redirect else '?'
    location = '%s%sstatus=%d&message=%s' % (redirect, sep, code,
                                             urllib.parse.quote(message))
    resp = webob.Response(status=303, content_type='text/html', charset='utf-8')
    resp.headers['Location'] = location
    resp.body = ('<html><body><p><a href="%s">Click to continue...</a></p></body></html>'
                 % location.replace('"', '&quot;')).encode('utf-8')
    return resp


class FormPost(subrequest.Module):

    def handle(self, req, account, container, prefix):
        if req.method != 'POST' or container is None or \
                not req.content_type == 'multipart/form-data':
            return self.passthrough(req)
        try:
            form = req.POST
        except (ValueError, TypeError):
            return _answer('', '400 Bad Request', 'invalid form')
        fields = {name: form.get(name, '') for name in FIELDS}
        fields = {k: v if isinstance(v, str) else '' for k, v in fields.items()}
        redirect = fields['redirect']
        try:
            max_size, max_count = int(fields['max_file_size']), int(fields['max_file_count'])
            expires = int(fields['expires'])
        except ValueError:
            return _answer(redirect, '400 Bad Request', 'invalid form fields')
        if expires < time.time():
            return _answer('', '401 Unauthorized', 'Form Expired')
        parsed = tempurl.parse_signature(fields['signature'])
        path = urllib.parse.unquote(req.path)
        body = '%s\n%s\n%s\n%s\n%s' % (path, redirect, fields['max_file_size'],
                                       fields['max_file_count'], fields['expires'])
        keys = tempurl.keys(self.proxy, req.environ, account, container)
        if parsed is None or not any(
                hmac.compare_digest(hmac.new(k.encode('utf-8'), body.encode('utf-8'),
                                             tempurl.DIGESTS[parsed[0]]).digest(), parsed[1])
                for k in keys):
            return _answer('', '401 Unauthorized', 'Invalid Signature')
        env = dict(tempurl.granted(req.environ, account))
        files = [(name, value) for name, value in form.items()
                 if hasattr(value, 'filename') and value.filename]
        if len(files) > max_count:
            return _answer(redirect, '400 Bad Request', 'max_file_count exceeded')
        for _, upload in files:
            data = upload.file.read(max_size + 1)
            if len(data) > max_size:
                return _answer(redirect, '400 Bad Request', 'max_file_size exceeded')
            headers = {'Content-Type': upload.type or 'application/octet-stream'}
            for field, header in (('x_delete_at', 'X-Delete-At'),
                                  ('x_delete_after', 'X-Delete-After')):
                if isinstance(form.get(field), str) and form[field]:
                    headers[header] = form[field]
            resp = subrequest.call(self.app, env, 'PUT', subrequest.api_path(
                account, container, (prefix or '') + upload.filename), headers, data,
                source='formpost')
            if resp.status_int // 100 != 2:
                return _answer(redirect, resp.status, 'upload failed')
        return _answer(redirect, '201 Created')
