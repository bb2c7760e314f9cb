import os
import time

import pytest
from cryptography import fernet

from services.identity.token import formatter
from services.identity.token import keys


def test_setup_rotate_and_prune(tmp_path):
    repo = str(tmp_path / 'keys')
    assert keys.setup(repo, 3) == [0, 1]
    assert keys.setup(repo, 3) == [0, 1]          # idempotent
    assert oct(os.stat(repo).st_mode & 0o777) == '0o700'
    assert keys.rotate(repo, 3) == [0, 1, 2]
    assert keys.rotate(repo, 3) == [0, 2, 3]      # oldest secondary dropped
    assert len(keys.load(repo)) == 3


def test_token_survives_rotation_until_its_key_is_dropped(tmp_path):
    repo = str(tmp_path / 'keys')
    keys.setup(repo, 3)
    payload = formatter.TokenPayload(user_id='a' * 32, methods=('password',),
                                     issued_at=time.time(), expires_at=time.time() + 60,
                                     audit_ids=(formatter.new_audit_id(),),
                                     scope_type='project', scope_id='b' * 32)
    token = formatter.encrypt(keys.KeyRing(repo).get(), payload)
    keys.rotate(repo, 3)
    assert formatter.decrypt(keys.KeyRing(repo).get(), token) == payload
    keys.rotate(repo, 3)
    keys.rotate(repo, 3)
    with pytest.raises(formatter.InvalidToken):
        formatter.decrypt(keys.KeyRing(repo).get(), token)


def test_payload_round_trip_keeps_non_hex_ids():
    payload = formatter.TokenPayload(user_id='admin', methods=('token', 'password'),
                                     issued_at=1.5, expires_at=2.5,
                                     audit_ids=('abc', formatter.new_audit_id()),
                                     scope_type='domain', scope_id='default',
                                     app_cred_id='c' * 32)
    assert formatter.unpack(formatter.pack(payload)) == payload


@pytest.mark.parametrize('junk', ['', 'x' * 2000, 'not-a-token', 'é'])
def test_garbage_is_invalid(tmp_path, junk):
    repo = str(tmp_path / 'keys')
    keys.setup(repo, 3)
    with pytest.raises(formatter.InvalidToken):
        formatter.decrypt(keys.KeyRing(repo).get(), junk)


def test_foreign_payload_is_invalid(tmp_path):
    repo = str(tmp_path / 'keys')
    keys.setup(repo, 3)
    ring = keys.KeyRing(repo).get()
    token = ring.encrypt(b'\x93\x01\x02\x03').rstrip(b'=').decode()
    with pytest.raises(formatter.InvalidToken):
        formatter.decrypt(ring, token)
    other = fernet.MultiFernet([fernet.Fernet(fernet.Fernet.generate_key())])
    with pytest.raises(formatter.InvalidToken):
        formatter.decrypt(ring, other.encrypt(b'x').decode())
