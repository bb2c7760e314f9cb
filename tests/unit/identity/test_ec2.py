"""OS-EC2 credentials and the /v3/ec2tokens and /v3/s3tokens logins."""

import base64
import datetime
import hashlib
import hmac
import urllib.parse

import pytest


@pytest.fixture
def member(cloud):
    user, project = cloud.make_member()
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    return user, project, token


def _create(cloud, user, project, token, status=201):
    return cloud.call('POST', '/v3/users/%s/credentials/OS-EC2' % user['id'],
                      {'tenant_id': project['id']}, token=token, status=status)


def test_ec2_credential_crud(cloud, member):
    user, project, token = member
    cred = _create(cloud, user, project, token).json['credential']
    assert cred['user_id'] == user['id'] and cred['tenant_id'] == project['id']
    assert cred['access'] and cred['secret'] and cred['trust_id'] is None
    base = '/v3/users/%s/credentials/OS-EC2' % user['id']
    assert cred['links']['self'].endswith(base + '/' + cred['access'])
    listed = cloud.call('GET', base, token=token).json['credentials']
    assert [c['access'] for c in listed] == [cred['access']]
    shown = cloud.call('GET', base + '/' + cred['access'], token=token).json['credential']
    assert shown['secret'] == cred['secret']
    # it is an ec2 entry of /v3/credentials too
    creds = cloud.call('GET', '/v3/credentials?type=ec2', token=token).json['credentials']
    assert [c['project_id'] for c in creds] == [project['id']]
    # another user may not look
    other, _ = cloud.make_member(name='bob', password='pw-bob')
    bob = cloud.password_token('bob', 'pw-bob', project='demo')
    cloud.call('GET', base, token=bob, status=403)
    cloud.call('POST', base, {'tenant_id': project['id']}, token=bob, status=403)
    cloud.call('GET', '/v3/users/%s/credentials/OS-EC2/%s' % (other['id'], cred['access']),
               token=bob, status=404)
    cloud.call('POST', base, {'tenant_id': 'nope'}, token=token, status=400)
    cloud.call('DELETE', base + '/' + cred['access'], token=token, status=204)
    cloud.call('GET', base + '/' + cred['access'], token=token, status=404)


def _quote(value):
    return urllib.parse.quote(str(value), safe='-_.~')


def _sign_v2(secret, verb, host, path, params):
    query = '&'.join('%s=%s' % (_quote(k), _quote(params[k])) for k in sorted(params))
    text = '%s\n%s\n%s\n%s' % (verb, host, path, query)
    return base64.b64encode(hmac.new(secret.encode(), text.encode(),
                                      hashlib.sha256).digest()).decode()


def _v2_request(cred, when=None, secret=None):
    when = when or datetime.datetime.utcnow()
    params = {'Action': 'DescribeInstances', 'AWSAccessKeyId': cred['access'],
              'SignatureMethod': 'HmacSHA256', 'SignatureVersion': '2',
              'Timestamp': when.strftime('%Y-%m-%dT%H:%M:%SZ'), 'Version': '2013-10-15'}
    sig = _sign_v2(secret or cred['secret'], 'GET', 'ec2.example.com:8788', '/', params)
    return {'credentials': {'access': cred['access'], 'signature': sig,
                            'host': 'ec2.example.com:8788', 'verb': 'GET', 'path': '/',
                            'params': dict(params, Signature=sig)}}


def test_ec2tokens_signature_v2(cloud, member):
    user, project, token = member
    cred = _create(cloud, user, project, token).json['credential']
    resp = cloud.app.post_json('/v3/ec2tokens', _v2_request(cred), status=200)
    body = resp.json['token']
    assert body['user']['id'] == user['id'] and body['project']['id'] == project['id']
    assert body['methods'] == ['ec2credential']
    assert {r['name'] for r in body['roles']} == {'member', 'reader'}
    issued = resp.headers['X-Subject-Token']
    cloud.call('GET', '/v3/auth/tokens', headers={'X-Subject-Token': issued}, status=200)
    # older clients send ec2Credentials
    cloud.app.post_json('/v3/ec2tokens', {'ec2Credentials': _v2_request(cred)[
        'credentials']}, status=200)
    # wrong secret, unknown key, stale timestamp
    resp = cloud.app.post_json('/v3/ec2tokens', _v2_request(cred, secret='x'), status=401)
    assert resp.json['error']['message'] == 'Invalid EC2 signature.'
    unknown = _v2_request(dict(cred, access='nope'))
    cloud.app.post_json('/v3/ec2tokens', unknown, status=401)
    old = datetime.datetime.utcnow() - datetime.timedelta(hours=1)
    cloud.app.post_json('/v3/ec2tokens', _v2_request(cred, when=old), status=401)


def _signing_key(secret, date, region, service):
    key = ('AWS4' + secret).encode()
    for part in (date, region, service, 'aws4_request'):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def test_ec2tokens_signature_v4(cloud, member):
    user, project, token = member
    cred = _create(cloud, user, project, token).json['credential']
    amz_date = datetime.datetime.utcnow().strftime('%Y%m%dT%H%M%SZ')
    scope = '%s/RegionOne/ec2/aws4_request' % amz_date[:8]
    params = {'Action': 'DescribeRegions', 'Version': '2013-10-15'}
    body_hash = hashlib.sha256(b'').hexdigest()
    query = '&'.join('%s=%s' % (_quote(k), _quote(params[k])) for k in sorted(params))
    canonical = '\n'.join(['GET', '/', query,
                           'host:ec2.example.com\nx-amz-date:%s\n' % amz_date,
                           'host;x-amz-date', body_hash])
    to_sign = '\n'.join(['AWS4-HMAC-SHA256', amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    sig = hmac.new(_signing_key(cred['secret'], amz_date[:8], 'RegionOne', 'ec2'),
                   to_sign.encode(), hashlib.sha256).hexdigest()
    headers = {'Host': 'ec2.example.com', 'X-Amz-Date': amz_date,
               'Authorization': 'AWS4-HMAC-SHA256 Credential=%s/%s, '
                                'SignedHeaders=host;x-amz-date, Signature=%s'
                                % (cred['access'], scope, sig)}
    request = {'credentials': {'access': cred['access'], 'signature': sig,
                               'host': 'ec2.example.com', 'verb': 'GET', 'path': '/',
                               'params': params, 'headers': headers,
                               'body_hash': body_hash}}
    resp = cloud.app.post_json('/v3/ec2tokens', request, status=200)
    assert resp.json['token']['project']['id'] == project['id']
    request['credentials']['signature'] = '0' * 64
    cloud.app.post_json('/v3/ec2tokens', request, status=401)


def test_s3tokens(cloud, member):
    user, project, token = member
    cred = _create(cloud, user, project, token).json['credential']
    to_sign = 'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/bucket/key'
    sig = base64.b64encode(hmac.new(cred['secret'].encode(), to_sign.encode(),
                                    hashlib.sha1).digest()).decode()
    body = {'credentials': {'access': cred['access'], 'signature': sig,
                            'token': base64.urlsafe_b64encode(to_sign.encode()).decode()}}
    resp = cloud.app.post_json('/v3/s3tokens', body, status=200)
    assert resp.json['token']['project']['id'] == project['id']
    body['credentials']['signature'] = 'bad'
    cloud.app.post_json('/v3/s3tokens', body, status=401)


def test_ec2_credential_from_a_trust_token_logs_in_through_the_trust(cloud):
    m = cloud.managers
    trustor, project = cloud.make_member(name='or', password='pw-or')
    trustee, _ = cloud.make_member(name='ee', project='elsewhere', password='pw-ee')
    member = m.assignment.get_role_by_name('member')
    trust = m.trust.create({'trustor_user_id': trustor['id'],
                            'trustee_user_id': trustee['id'], 'project_id': project['id'],
                            'impersonation': False, 'roles': [{'id': member['id']}]})
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': 'ee', 'domain': {'id': 'default'}, 'password': 'pw-ee'}}},
        'scope': {'OS-TRUST:trust': {'id': trust['id']}}}}
    trust_token = cloud.app.post_json('/v3/auth/tokens', body).headers['X-Subject-Token']
    cred = _create(cloud, trustee, project, trust_token).json['credential']
    assert cred['trust_id'] == trust['id']
    resp = cloud.app.post_json('/v3/ec2tokens', _v2_request(cred), status=200)
    assert resp.json['token']['OS-TRUST:trust']['id'] == trust['id']
