"""/v3/ec2tokens accepts requests signed by a real client library
(python-keystoneclient's Ec2Signer, what EC2 front ends use)."""

import datetime
import hashlib

import pytest

ec2_utils = pytest.importorskip('keystoneclient.contrib.ec2.utils')


@pytest.fixture
def cred(cloud):
    user, project = cloud.make_member()
    token = cloud.password_token('alice', 'pw-alice', project='demo')
    return cloud.call('POST', '/v3/users/%s/credentials/OS-EC2' % user['id'],
                      {'tenant_id': project['id']}, token=token,
                      status=201).json['credential']


@pytest.mark.parametrize('method', ['HmacSHA256', 'HmacSHA1'])
def test_signature_v2_from_ec2signer(cloud, cred, method):
    params = {'Action': 'DescribeInstances', 'AWSAccessKeyId': cred['access'],
              'SignatureMethod': method, 'SignatureVersion': '2',
              'Timestamp': datetime.datetime.utcnow().strftime('%Y-%m-%dT%H:%M:%SZ')}
    request = {'host': 'ec2.example.com:8773', 'verb': 'POST', 'path': '/services/Cloud',
               'params': params}
    signature = ec2_utils.Ec2Signer(cred['secret']).generate(request)
    body = {'credentials': dict(request, access=cred['access'], signature=signature)}
    resp = cloud.app.post_json('/v3/ec2tokens', body, status=200)
    assert resp.json['token']['user']['name'] == 'alice'
    body['credentials']['params'] = dict(params, Action='RunInstances')
    cloud.app.post_json('/v3/ec2tokens', body, status=401)


def test_signature_v4_from_ec2signer(cloud, cred):
    amz_date = datetime.datetime.utcnow().strftime('%Y%m%dT%H%M%SZ')
    scope = '%s/RegionOne/ec2/aws4_request' % amz_date[:8]
    body_hash = hashlib.sha256(b'Action=DescribeRegions&Version=2013-10-15').hexdigest()
    headers = {'Host': 'ec2.example.com', 'X-Amz-Date': amz_date,
               'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
               'Authorization': 'AWS4-HMAC-SHA256 Credential=%s/%s, '
                                'SignedHeaders=content-type;host;x-amz-date, '
                                'Signature=unused' % (cred['access'], scope)}
    request = {'host': 'ec2.example.com', 'verb': 'POST', 'path': '/', 'params': {},
               'headers': headers, 'body_hash': body_hash}
    signature = ec2_utils.Ec2Signer(cred['secret']).generate(request)
    body = {'credentials': dict(request, access=cred['access'], signature=signature)}
    resp = cloud.app.post_json('/v3/ec2tokens', body, status=200)
    assert resp.json['token']['user']['name'] == 'alice'
