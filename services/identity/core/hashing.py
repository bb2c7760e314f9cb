"""Password and secret hashing with bcrypt.

bcrypt is the slow part of password authentication by design, so it runs
in a native thread (``common.service.run_in_thread``) when the process runs
the green-thread server: other requests keep being served meanwhile.
Library code and unit tests do not import ``common.service`` (importing it
monkey-patches), so without it the hash simply runs inline.
"""

import sys

import bcrypt

# bcrypt only looks at the first 72 bytes and newer releases refuse more
_BCRYPT_MAX_BYTES = 72
_dummy_hash = None


def _run(func, *args):
    service = sys.modules.get('common.service')
    if service is not None:
        return service.run_in_thread(func, *args)
    return func(*args)


def _encode(password):
    return password.encode('utf-8')[:_BCRYPT_MAX_BYTES]


def hash_password(password, rounds):
    return _run(_hash, _encode(password), rounds)


def _hash(data, rounds):
    return bcrypt.hashpw(data, bcrypt.gensalt(rounds)).decode('ascii')


def check_password(password, hashed, rounds=12):
    """True when ``password`` matches ``hashed``.

    With no hash (unknown user, user without password) a dummy hash of the
    same cost is still checked so the answer takes as long either way.
    """
    global _dummy_hash
    if password is None:
        return False
    if not hashed:
        if _dummy_hash is None:
            _dummy_hash = _hash(b'no-such-user', rounds)
        _run(bcrypt.checkpw, _encode(password), _dummy_hash.encode('ascii'))
        return False
    try:
        return _run(bcrypt.checkpw, _encode(password), hashed.encode('ascii'))
    except ValueError:
        return False
