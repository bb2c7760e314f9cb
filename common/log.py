"""Logging set-up through oslo.log, with two guarantees for every daemon.

Every handler's formatter is wrapped in :class:`SafeFormatter`, so:

* a record's message cannot forge log lines: control characters (newlines,
  escape sequences, C1 codes, Unicode line separators) that user input
  carries into it are written as ``\\xNN`` / ``\\uNNNN``;
* no line, traceback included, shows a secret: passwords, tokens and
  secrets after their key (``password=…``, ``"token": "…"``, ``Could not
  find token: …``), anything shaped like a Fernet token, private keys,
  password hashes and SQL parameters are replaced by ``***`` or by
  :func:`token_ref`, a short hash that still lets two lines be matched up.
"""

import gc
import hashlib
import logging as std_logging
import re
import sys
import threading
import traceback

from oslo_log import log as logging
from oslo_utils import strutils

_QUIET_LOGGERS = ['amqp=WARN', 'amqplib=WARN', 'kombu=WARN', 'oslo.messaging=INFO',
                  'oslo_messaging=INFO', 'sqlalchemy=WARN', 'stevedore=WARN',
                  'urllib3=WARN', 'keystonemiddleware=INFO', 'routes=WARN',
                  'iso8601=WARN', 'eventlet.wsgi.server=INFO', 'oslo_policy=INFO',
                  'keystoneauth=INFO', 'pecan=WARN', 'passlib=WARN']

_CONTROL = re.compile('[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]')

_SECRET_WORDS = r'(?:auth[_-]?token|token|password|passwd|secret|credential)'
# "<secret word>[suffix][quote] : or = [quote] value", e.g.
# "X-Auth-Token: v", "password=v", "'token': 'v'", "Could not find token: v"
_AFTER_KEY = re.compile(r'((?<![a-z])%s[\w-]*[\'"]?\s*[:=]\s*[\'"]?)([^\s\'",;}\])]+)' % _SECRET_WORDS,
                        re.IGNORECASE)
_FERNET = re.compile(r'gAAAAA[\w-]{20,}=*')
_PRIVATE_KEY = re.compile(r'-----BEGIN [A-Z ]*PRIVATE KEY-----.*?'
                          r'(?:-----END [A-Z ]*PRIVATE KEY-----|$)', re.DOTALL)
_PASSWORD_HASH = re.compile(r'\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}')
_SQL_PARAMETERS = re.compile(r'\[parameters: [^\n]*')
_HINTS = ('token', 'pass', 'secret', 'credential', 'gaaaaa', 'private key', '$2',
          '[parameters: ')


def token_ref(token):
    """What a log line may show of a token (or any secret): a short hash."""
    if not token:
        return '<none>'
    if isinstance(token, str):
        token = token.encode('utf-8', 'surrogatepass')
    return '<sha256:%s>' % hashlib.sha256(token).hexdigest()[:10]


def _ref_value(match):
    value = match.group(2)
    if value.startswith(('<sha256:', '***')):
        return match.group(0)
    return match.group(1) + token_ref(value)


def redact(text):
    """``text`` with every secret replaced (see the module docstring)."""
    lowered = text.lower()
    if not any(hint in lowered for hint in _HINTS):
        return text
    text = _PRIVATE_KEY.sub('<private key>', text)
    text = _SQL_PARAMETERS.sub('[parameters: <hidden>]', text)
    text = _PASSWORD_HASH.sub('<password hash>', text)
    text = _FERNET.sub(lambda m: token_ref(m.group()), text)
    text = _AFTER_KEY.sub(_ref_value, text)
    return strutils.mask_password(text)


def _escape_char(match):
    code = ord(match.group())
    return '\\x%02x' % code if code < 0x100 else '\\u%04x' % code


def escape(text):
    """``text`` on one line: control characters written as escapes."""
    return _CONTROL.sub(_escape_char, text)


class SafeFormatter(std_logging.Formatter):
    """Wraps a handler's formatter with the escaping and redaction above."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def format(self, record):
        if not getattr(record, 'alto_escaped', False):
            # Escape the message once (a record may reach several handlers);
            # the traceback the inner formatter appends keeps its lines.
            try:
                message = record.getMessage()
            except Exception:   # a bad format string: let logging report it
                return redact(self.inner.format(record))
            record.msg, record.args = escape(message), None
            record.alto_escaped = True
        return redact(self.inner.format(record))


def protect(handler):
    """Give ``handler`` a :class:`SafeFormatter` (idempotent)."""
    if not isinstance(handler.formatter, SafeFormatter):
        handler.setFormatter(SafeFormatter(handler.formatter or std_logging.Formatter()))
    return handler


def default_log_levels():
    """oslo.log's default levels per logger, with the ones every daemon here quiets."""
    return logging.get_default_log_levels() + _QUIET_LOGGERS


def setup(conf, name):
    logging.set_defaults(default_log_levels=default_log_levels())
    logging.setup(conf, name)
    for handler in std_logging.getLogger().handlers:
        protect(handler)


def getLogger(name):
    return logging.getLogger(name)


def _greenlets():
    """Every live greenlet (none when the greenlet library is absent)."""
    try:
        import greenlet
    except ImportError:
        return []
    # Objects frozen at start-up (settle_startup_heap) are invisible to
    # gc.get_objects(): thaw them for the walk, freeze them again after.
    frozen = gc.get_freeze_count()
    if frozen:
        gc.unfreeze()
    try:
        found = [o for o in gc.get_objects() if isinstance(o, greenlet.greenlet)]
    finally:
        if frozen:
            gc.freeze()
    return found


def stacks():
    """``[(title, lines)]``: the stack of every OS thread and every green
    thread of this process, innermost call last (a suspended greenlet's from
    where it switched away; the running one's from here)."""
    result = []
    names = {t.ident: t.name for t in threading.enumerate()}
    for ident, frame in sorted(sys._current_frames().items()):
        result.append(('thread %s (%s)' % (ident, names.get(ident, '?')),
                       traceback.format_stack(frame)))
    current = None
    try:
        import greenlet
        current = greenlet.getcurrent()
    except ImportError:
        pass
    for gl in _greenlets():
        if gl is current or gl.dead:
            continue
        frame = gl.gr_frame
        if frame is None:   # not started yet, or the hub's root greenlet
            continue
        title = 'greenlet %#x %s' % (id(gl), getattr(gl, 'run', type(gl)))
        result.append((title, traceback.format_stack(frame)))
    return result


def dump_stacks(logger=None):
    """Log every thread's and green thread's stack, one line per record (a
    record's newlines would be escaped), at WARNING; returns how many."""
    logger = logger or std_logging.getLogger(__name__)
    found = stacks()
    logger.warning('Stack dump: %d threads and green threads', len(found))
    for number, (title, lines) in enumerate(found, 1):
        logger.warning('Stack %d/%d: %s', number, len(found), title)
        for entry in lines:
            for line in entry.rstrip('\n').splitlines():
                logger.warning('Stack %d: %s', number, line)
    logger.warning('Stack dump end')
    return len(found)
