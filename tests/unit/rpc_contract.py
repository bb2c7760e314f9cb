"""The contract between an RPC client (``rpcapi``) and the manager serving it.

``check_pair(client_cls, manager_cls)`` is the one test every pair gets:

* versions: the manager's ``target.version`` is the client's
  ``RPC_API_VERSION``, which is the newest entry of the version history in the
  client module's docstring; every client method is named in that history;
* names and signatures: every public client method exists on the manager
  with the same arguments after ``context`` (less the ones the client
  consumes itself, such as ``host`` for the server it prepares); the
  manager's other public methods are only the ``local`` ones its daemon
  calls itself (periodic tasks, start-up);
* the wire: each client method, run against a recording client, sends one
  message named after itself, pinned at the version where the history last
  mentions the method (never above ``RPC_API_VERSION``), whose arguments
  bind to the manager method as the RPC dispatcher would call it.

``exercise(client_cls)`` returns what each client method sent, for a pair's
own checks (call or cast, fanout, ``server=``).
"""

import collections
import inspect
import re

_HISTORY_ENTRY = re.compile(r'^\s*(\d+)\.(\d+)\s+-\s+(.*)$')

Sent = collections.namedtuple('Sent', 'kind method prepared kwargs')


def public_methods(cls):
    """``{name: function}`` of ``cls``'s public methods (inherited included)."""
    return {name: func for name, func in inspect.getmembers(cls, inspect.isfunction)
            if not name.startswith('_')}


def api_version(client_cls):
    """The client's ``RPC_API_VERSION`` (on the class, else its module)."""
    version = getattr(client_cls, 'RPC_API_VERSION', None)
    return version or inspect.getmodule(client_cls).RPC_API_VERSION


def _version(text):
    return tuple(int(part) for part in text.split('.'))


def client_history(client_cls):
    """The client class's own version history when its docstring has one
    (two clients in one module), else its module's."""
    return version_history(client_cls) or version_history(inspect.getmodule(client_cls))


def version_history(module):
    """``[((major, minor), text)]`` from the "X.Y - ..." entries of the
    module's (or class's) docstring (continuation lines belong to the entry above)."""
    entries = []
    for line in (module.__doc__ or '').splitlines():
        match = _HISTORY_ENTRY.match(line)
        if match:
            entries.append(((int(match.group(1)), int(match.group(2))), match.group(3)))
        elif entries and line.startswith((' ', '\t')) and line.strip():
            version, text = entries[-1]
            entries[-1] = (version, text + ' ' + line.strip())
    return entries


def mentioned_at(history, name):
    """The versions whose history entry names ``name``."""
    word = re.compile(r'(?<![\w.])%s(?!\w)' % re.escape(name))
    return {version for version, text in history if word.search(text)}


def last_mentioned(history, name):
    """The newest version whose history entry names ``name``, or None."""
    return max(mentioned_at(history, name), default=None)


class RecordingClient:
    """Stands for an ``oslo_messaging.RPCClient``: records what is sent.

    ``answer(method, kwargs)`` gives a call's result; ``version_cap`` acts
    like ``[upgrade_levels]``."""

    def __init__(self, answer=None, version_cap=None):
        self.answer = answer or (lambda method, kwargs: None)
        self.version_cap = version_cap
        self.sent = []
        self.prepared = {}

    def prepare(self, **kwargs):
        self.prepared = kwargs
        return self

    def can_send_version(self, version):
        return self.version_cap is None or _version(version) <= _version(self.version_cap)

    def call(self, context, method, **kwargs):
        self.sent.append(Sent('call', method, self.prepared, kwargs))
        return self.answer(method, kwargs)

    def cast(self, context, method, **kwargs):
        self.sent.append(Sent('cast', method, self.prepared, kwargs))


def client_without_transport(client_cls, recorder):
    """An instance of ``client_cls`` whose ``client`` is ``recorder``."""
    instance = client_cls.__new__(client_cls)
    instance.client = recorder
    return instance


def exercise(client_cls, answer=None, context=None):
    """Run every public method of ``client_cls`` once; ``{name: Sent}``.

    Required arguments get their own name as value (so ``host`` is
    ``'host'``); optional ones keep their defaults.  A method that sends
    other than exactly one message fails."""
    sent = {}
    for name, func in public_methods(client_cls).items():
        recorder = RecordingClient(answer)
        instance = client_without_transport(client_cls, recorder)
        params = list(inspect.signature(func).parameters.values())[2:]
        args = {p.name: p.name for p in params if p.default is inspect.Parameter.empty}
        getattr(instance, name)(context, **args)
        assert len(recorder.sent) == 1, '%s.%s sent %d messages' % (
            client_cls.__name__, name, len(recorder.sent))
        sent[name] = recorder.sent[0]
    return sent


def _arguments(func, skip=()):
    return [name for name in list(inspect.signature(func).parameters)[2:]
            if name not in skip]


def check_versions(client_cls, manager_cls):
    module = inspect.getmodule(client_cls)
    version = api_version(client_cls)
    assert manager_cls.target.version == version, (
        '%s serves %s, %s sends up to %s' % (manager_cls.__name__, manager_cls.target.version,
                                            client_cls.__name__, version))
    history = client_history(client_cls)
    assert history, '%s has no "X.Y - ..." version history' % module.__name__
    assert max(v for v, _ in history) == _version(version), (
        '%s: the newest version in the history is not RPC_API_VERSION %s'
        % (module.__name__, version))
    for name in public_methods(client_cls):
        assert last_mentioned(history, name), (
            '%s is not in the version history of %s' % (name, module.__name__))


def check_signatures(client_cls, manager_cls, client_only=(), local=()):
    client_methods = public_methods(client_cls)
    served = public_methods(manager_cls)
    missing = sorted(set(client_methods) - set(served))
    assert not missing, '%s does not serve %s' % (manager_cls.__name__, missing)
    extra = sorted(set(served) - set(client_methods) - set(local))
    assert not extra, '%s has %s, which %s never sends (name local methods in local=)' % (
        manager_cls.__name__, extra, client_cls.__name__)
    for name, func in client_methods.items():
        assert _arguments(func, client_only) == _arguments(served[name]), (
            '%s: %s%s against %s%s' % (name, client_cls.__name__, inspect.signature(func),
                                       manager_cls.__name__,
                                       inspect.signature(served[name])))


def check_wire(client_cls, manager_cls, answer=None):
    history = client_history(client_cls)
    newest = _version(api_version(client_cls))
    for name, sent in exercise(client_cls, answer).items():
        assert sent.method == name, '%s sends %r' % (name, sent.method)
        pinned = sent.prepared.get('version')
        assert pinned, '%s is sent without a version' % name
        assert _version(pinned) <= newest, '%s is sent at %s, above %s' % (
            name, pinned, api_version(client_cls))
        # With its required arguments only, a method may be sent at an older
        # version than its newest (an optional argument came later), but
        # always at one whose history entry names it.
        named = mentioned_at(history, name)
        assert _version(pinned) in named, (
            '%s is sent at %s; the version history names it at %s'
            % (name, pinned, ', '.join('%d.%d' % v for v in sorted(named))))
        handler = getattr(manager_cls, name)
        try:
            inspect.signature(handler).bind(None, None, **sent.kwargs)
        except TypeError as exc:
            raise AssertionError('%s.%s cannot take what %s sends (%s): %s' % (
                manager_cls.__name__, name, client_cls.__name__,
                sorted(sent.kwargs), exc)) from None


def check_pair(client_cls, manager_cls, client_only=(), local=(), answer=None):
    """Every check above for one client/manager pair."""
    check_versions(client_cls, manager_cls)
    check_signatures(client_cls, manager_cls, client_only=client_only, local=local)
    check_wire(client_cls, manager_cls, answer=answer)
