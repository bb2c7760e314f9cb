def test_network_subnet_port(api):
    net = api.network()
    subnet = api.subnet(net['id'])
    port = api.port(net['id'])
    assert port['fixed_ips'][0]['subnet_id'] == subnet['id']
