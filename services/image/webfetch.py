"""Fetching image data from a URL (the ``web-download`` import method and
import tasks).

The URL is checked against ``[image] web_download_*`` before anything is
fetched, and again at every redirect, so a redirect cannot lead to a
scheme, port or host the operator ruled out.  The response is read in
blocks by ``pipeline.HashingReader`` like an upload; nothing holds it whole.
"""

import threading
import urllib.error
import urllib.parse
import urllib.request

from oslo_log import log as logging

from common import exception as common_exc

LOG = logging.getLogger(__name__)


class URINotAllowed(common_exc.BadRequest):
    msg_fmt = 'The URI %(uri)s is not allowed: %(reason)s'


class FetchFailed(common_exc.BadRequest):
    msg_fmt = 'Image data could not be fetched from %(uri)s: %(reason)s'


def check_uri(conf, uri):
    opts = conf.image
    try:
        parts = urllib.parse.urlsplit(uri)
        port = parts.port or {'http': 80, 'https': 443}.get(parts.scheme)
    except ValueError as exc:
        raise URINotAllowed(uri=uri, reason=str(exc))
    if parts.scheme not in opts.web_download_allowed_schemes:
        raise URINotAllowed(uri=uri, reason='scheme %r' % parts.scheme)
    if not parts.hostname:
        raise URINotAllowed(uri=uri, reason='no host')
    if parts.hostname.lower() in [h.lower() for h in opts.web_download_disallowed_hosts]:
        raise URINotAllowed(uri=uri, reason='host %s' % parts.hostname)
    if port not in opts.web_download_allowed_ports:
        raise URINotAllowed(uri=uri, reason='port %s' % port)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):

    def __init__(self, conf):
        self.conf = conf

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_uri(self.conf, newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def open_uri(conf, uri):
    """``(response, content length or None)``; the caller closes the response."""
    check_uri(conf, uri)
    opener = urllib.request.build_opener(_CheckedRedirects(conf))
    try:
        resp = opener.open(urllib.request.Request(uri, headers={'Accept': '*/*'}),
                           timeout=conf.image.web_download_timeout)
    except URINotAllowed:
        raise
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise FetchFailed(uri=uri, reason=str(getattr(exc, 'reason', exc)))
    length = resp.headers.get('Content-Length')
    try:
        length = int(length) if length is not None else None
    except ValueError:
        length = None
    return resp, length


def spawn(name, func, *args):
    """Run ``func(*args)`` in the background (a green thread in the daemon,
    whose ``threading`` is patched; a thread elsewhere)."""
    def run():
        try:
            func(*args)
        except Exception:  # the work records its own failure; never lose a traceback
            LOG.exception('Background work %s failed', name)
    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread
