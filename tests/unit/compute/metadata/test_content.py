"""The metadata documents one server's guest reads (config drive and
metadata service share them)."""

import base64
import json
import types

import pytest

from services.compute.metadata import content

UUID = '8d5a3a8c-0f4e-4d38-9a86-5b5e3c0b7a11'
KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPm0ck3yKey demo@host'


def server(**kw):
    values = dict(id=7, uuid=UUID, display_name='Web 1', hostname='web-1',
                  project_id='p1', key_name='mykey', key_data=KEY,
                  user_data=base64.b64encode(b'#!/bin/sh\necho hi\n').decode(),
                  metadata={'role': 'web'}, availability_zone=None, launch_index=0,
                  flavor={'name': 'm1.micro'}, image_ref='img-1', reservation_id='r-1',
                  security_groups=[{'name': 'default'}], network_info=[])
    values.update(kw)
    return types.SimpleNamespace(**values)


VIF = {'port_id': '1f3c9a2e-8b7d-4e6f-a1b2-c3d4e5f60718', 'network_id': 'net-1',
       'mac_address': 'fa:16:3e:00:00:01',
       'fixed_ips': [{'ip_address': '10.0.0.5', 'version': 4}]}


def test_dhcp_domain_is_appended_to_the_hostname():
    md = content.InstanceMetadata(server(), dhcp_domain='novalocal')
    assert md.meta_data()['hostname'] == 'web-1.novalocal'
    assert md.lookup('/latest/meta-data/local-hostname') == b'web-1.novalocal'
    assert md.lookup('/latest/meta-data/hostname') == b'web-1.novalocal'


def test_meta_data_fields():
    md = content.InstanceMetadata(server(), default_zone='zone-a').meta_data()
    assert md['uuid'] == UUID
    assert md['name'] == 'Web 1'
    assert md['hostname'] == 'web-1'
    assert md['project_id'] == 'p1'
    assert md['availability_zone'] == 'zone-a'
    assert md['launch_index'] == 0
    assert md['devices'] == []
    assert md['meta'] == {'role': 'web'}
    assert md['public_keys'] == {'mykey': KEY}
    assert md['keys'] == [{'name': 'mykey', 'type': 'ssh', 'data': KEY}]
    assert len(base64.b64decode(md['random_seed'])) == 512


def test_no_key_no_key_fields():
    md = content.InstanceMetadata(server(key_name=None, key_data=None)).meta_data()
    assert 'public_keys' not in md and 'keys' not in md
    assert md['availability_zone'] == 'nova'


def test_user_data_is_decoded_and_absent_without_it():
    docs = content.InstanceMetadata(server()).openstack_documents('latest')
    assert docs['user_data'] == b'#!/bin/sh\necho hi\n'
    docs = content.InstanceMetadata(server(user_data=None)).openstack_documents('latest')
    assert 'user_data' not in docs


def test_documents_by_version():
    md = content.InstanceMetadata(server())
    assert sorted(md.openstack_documents('2012-08-10')) == ['meta_data.json', 'user_data']
    assert 'vendor_data.json' in md.openstack_documents('2013-10-17')
    assert 'network_data.json' not in md.openstack_documents('2013-10-17')
    assert sorted(md.openstack_documents('latest')) == [
        'meta_data.json', 'network_data.json', 'user_data', 'vendor_data.json',
        'vendor_data2.json']
    with pytest.raises(content.NotFound):
        md.openstack_documents('2099-01-01')


def test_network_data_dhcp_from_network_info():
    nd = content.InstanceMetadata(server(network_info=[VIF])).network_data()
    assert nd['links'] == [{'id': 'tap1f3c9a2e-8b', 'vif_id': VIF['port_id'], 'type': 'ovs',
                            'ethernet_mac_address': 'fa:16:3e:00:00:01', 'mtu': None}]
    assert nd['networks'] == [{'id': 'network0', 'link': 'tap1f3c9a2e-8b',
                               'network_id': 'net-1', 'type': 'ipv4_dhcp'}]
    assert nd['services'] == []


def test_network_data_static_when_subnet_has_no_dhcp():
    vif = dict(VIF, fixed_ips=[{'ip_address': '10.0.0.5', 'version': 4, 'subnet': {
        'cidr': '10.0.0.0/24', 'gateway': '10.0.0.1', 'enable_dhcp': False,
        'dns_nameservers': ['192.0.2.53'],
        'host_routes': [{'destination': '198.51.100.0/24', 'nexthop': '10.0.0.254'}]}}])
    nd = content.InstanceMetadata(server(network_info=[vif])).network_data()
    net = nd['networks'][0]
    assert net['type'] == 'ipv4'
    assert net['ip_address'] == '10.0.0.5' and net['netmask'] == '255.255.255.0'
    assert net['routes'] == [
        {'network': '0.0.0.0', 'netmask': '0.0.0.0', 'gateway': '10.0.0.1'},
        {'network': '198.51.100.0', 'netmask': '255.255.255.0', 'gateway': '10.0.0.254'}]
    assert nd['services'] == [{'type': 'dns', 'address': '192.0.2.53'}]


def test_vendor_data(tmp_path):
    path = tmp_path / 'vendor.json'
    path.write_text('{"motd": "hello"}')
    data = content.load_vendor_data(str(path))
    md = content.InstanceMetadata(server(), vendor_data=data)
    assert json.loads(md.openstack_documents('latest')['vendor_data.json']) == {'motd': 'hello'}
    assert content.load_vendor_data(None) == {}
    assert content.load_vendor_data(str(tmp_path / 'missing')) == {}


def test_config_drive_files():
    files = content.InstanceMetadata(server(network_info=[VIF])).config_drive_files()
    assert json.loads(files['openstack/latest/meta_data.json'])['uuid'] == UUID
    assert 'openstack/2012-08-10/meta_data.json' in files
    assert 'openstack/latest/network_data.json' in files
    assert files['openstack/latest/user_data'].startswith(b'#!')
    ec2 = json.loads(files['ec2/latest/meta-data.json'])
    assert ec2['instance-id'] == 'i-00000007'
    assert ec2['local-ipv4'] == '10.0.0.5'
    assert ec2['public-keys'] == {'0': {'openssh-key': KEY}}
    assert ec2['placement'] == {'availability-zone': 'nova'}
    assert files['ec2/2009-04-04/user-data'] == files['ec2/latest/user-data']


def test_ec2_public_ipv4_is_the_floating_ip():
    assert content.InstanceMetadata(server(network_info=[VIF])).ec2_meta_data()[
        'public-ipv4'] == ''
    vif = dict(VIF, fixed_ips=[dict(VIF['fixed_ips'][0], floating_ips=['203.0.113.7'])])
    ec2 = content.InstanceMetadata(server(network_info=[vif])).ec2_meta_data()
    assert (ec2['local-ipv4'], ec2['public-ipv4']) == ('10.0.0.5', '203.0.113.7')


def test_lookup_openstack_tree():
    md = content.InstanceMetadata(server())
    assert md.lookup('/')[-2:] == ['latest', 'openstack']
    assert md.lookup('/openstack')[-1] == 'latest'
    assert 'meta_data.json' in md.lookup('/openstack/latest/')
    assert json.loads(md.lookup('/openstack/latest/meta_data.json'))['uuid'] == UUID
    assert md.lookup('openstack/2018-08-27/user_data') == b'#!/bin/sh\necho hi\n'
    for missing in ('/openstack/latest/nope', '/openstack/1999-01-01/meta_data.json',
                    '/openstack/latest/meta_data.json/x'):
        with pytest.raises(content.NotFound):
            md.lookup(missing)


def test_lookup_ec2_tree():
    md = content.InstanceMetadata(server(network_info=[VIF]))
    assert md.lookup('/latest') == ['meta-data/', 'user-data']
    listing = md.lookup('/2009-04-04/meta-data/')
    assert 'instance-id' in listing and 'placement/' in listing and 'public-keys/' in listing
    assert md.lookup('/latest/meta-data/instance-id') == b'i-00000007'
    assert md.lookup('/latest/meta-data/local-hostname') == b'web-1'
    assert md.lookup('/latest/meta-data/placement/availability-zone') == b'nova'
    assert md.lookup('/latest/meta-data/public-keys') == ['0=mykey']
    assert md.lookup('/latest/meta-data/public-keys/0') == ['openssh-key']
    assert md.lookup('/latest/meta-data/public-keys/0/openssh-key') == KEY.encode()
    assert md.lookup('/latest/user-data') == b'#!/bin/sh\necho hi\n'
    for missing in ('/latest/meta-data/nope', '/2000-01-01/meta-data/',
                    '/latest/meta-data/instance-id/x'):
        with pytest.raises(content.NotFound):
            md.lookup(missing)
    assert content.InstanceMetadata(server(user_data=None)).lookup('/latest') == ['meta-data/']
