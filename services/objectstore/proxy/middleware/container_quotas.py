"""Container quotas: ``X-Container-Meta-Quota-Bytes`` and
``X-Container-Meta-Quota-Count`` (set by whoever may change the container's
metadata; a value that is not a whole number is refused with 400).  An
upload (PUT, copy) that would take the container past either gets 413.
"""

import webob

from services.objectstore.proxy.middleware import subrequest

QUOTAS = ('X-Container-Meta-Quota-Bytes', 'X-Container-Meta-Quota-Count')


def capabilities(conf):
    return {'container_quotas': {}}


def over_quota():
    return webob.Response(status=413, content_type='text/plain', charset='utf-8',
                          body=b'Upload exceeds quota.')


def _number(value):
    try:
        return int(value) if value not in (None, '') else None
    except ValueError:
        return None


def upload(app, req):
    """``(container, size)`` an object PUT or COPY adds to (size None when
    unknown: a chunked upload), or None for any other request."""
    account, container, obj = subrequest.split(req.environ)
    if obj is None or req.method not in ('PUT', 'COPY'):
        return None
    source = None
    if req.method == 'COPY':
        source = (container, obj)
        container = (subrequest.segment_path(req.headers.get('Destination', '')) or
                     (None, None))[0]
        if container is None:
            return None
    elif req.headers.get('X-Copy-From'):
        source = subrequest.segment_path(req.headers['X-Copy-From'])
    if source is None:
        return container, req.content_length
    head = subrequest.call(app, req.environ, 'HEAD', subrequest.api_path(account, *source))
    if head.status_int // 100 != 2:
        return None     # the copy itself answers
    return container, int(head.headers.get('Content-Length') or 0)


class ContainerQuotas(subrequest.Module):

    def handle(self, req, account, container, obj):
        if container is not None and obj is None and req.method in ('PUT', 'POST'):
            for name in QUOTAS:
                value = req.headers.get(name)
                if value and _number(value) is None:
                    return webob.Response(status=400, content_type='text/plain',
                                          body=b'Invalid %s' % name.encode('ascii'))
        target = upload(self.app, req)
        if target is not None:
            info = self.proxy.info(req.environ, account, target[0])
            if info.status // 100 == 2 and _has_quota(info):
                # the usage as it is now, not as the proxy kept it
                info = self.proxy.info(req.environ, account, target[0], fresh=True)
            if info.status // 100 == 2 and _over(info, target[1]):
                return over_quota()
        return self.passthrough(req)


def _has_quota(info):
    return _number(info.header('X-Container-Meta-Quota-Bytes')) is not None or \
        _number(info.header('X-Container-Meta-Quota-Count')) is not None


def _over(info, size):
    max_bytes = _number(info.header('X-Container-Meta-Quota-Bytes'))
    max_count = _number(info.header('X-Container-Meta-Quota-Count'))
    used = int(info.header('X-Container-Bytes-Used') or 0)
    count = int(info.header('X-Container-Object-Count') or 0)
    if max_bytes is not None and used + (size or 0) > max_bytes:
        return True
    return max_count is not None and count + 1 > max_count
