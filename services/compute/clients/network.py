"""Network service (Neutron v2.0 REST) client."""

from keystoneauth1 import exceptions as ks_exc

from services.compute import exception
from services.compute.clients import base


class NetworkClient(base.NetworkClientBase):
    def _request(self, method, url, **kwargs):
        kwargs.setdefault('endpoint_filter', base.endpoint_filter('network', 'network'))
        try:
            return base.service_session().request(url, method, raise_exc=False, **kwargs)
        except ks_exc.ClientException as exc:
            raise exception.ExternalServiceError(service='network', reason=str(exc))

    def _check(self, resp):
        if resp.status_code >= 400:
            raise exception.ExternalServiceError(service='network', reason=resp.text[:200])
        return resp.json() if resp.content else {}

    def get_network(self, context, network_id):
        resp = self._request('GET', '/v2.0/networks/%s' % network_id)
        if resp.status_code == 404:
            raise exception.NetworkNotFound(network_id=network_id)
        net = self._check(resp)['network']
        if not base.visible_to(context, net.get('project_id') or net.get('tenant_id'),
                               net.get('shared')):
            raise exception.NetworkNotFound(network_id=network_id)
        return net

    def list_networks(self, context):
        nets = self._check(self._request('GET', '/v2.0/networks'))['networks']
        return [n for n in nets if not n.get('router:external') and base.visible_to(
            context, n.get('project_id') or n.get('tenant_id'), n.get('shared'))]

    def get_port(self, context, port_id):
        resp = self._request('GET', '/v2.0/ports/%s' % port_id)
        if resp.status_code == 404:
            raise exception.PortNotFound(port_id=port_id)
        port = self._check(resp)['port']
        if not base.visible_to(context, port.get('project_id') or port.get('tenant_id'),
                               False):
            raise exception.PortNotFound(port_id=port_id)
        return port

    def allocate_for_instance(self, context, instance, requested_networks, host):
        network_info = []
        binding = {'device_id': instance.uuid,
                   'device_owner': 'compute:%s' % (instance.availability_zone or 'nova'),
                   'binding:host_id': host}
        for request in requested_networks or []:
            if request.get('port'):
                resp = self._request('PUT', '/v2.0/ports/%s' % request['port'],
                                     json={'port': binding})
                port = self._check(resp)['port']
                port['preserve_on_delete'] = True
            else:
                body = dict(binding, network_id=request['uuid'],
                            project_id=instance.project_id)
                if request.get('fixed_ip'):
                    body['fixed_ips'] = [{'ip_address': request['fixed_ip']}]
                port = self._check(self._request('POST', '/v2.0/ports',
                                                 json={'port': body}))['port']
            net = self.get_network(context.elevated(), port['network_id'])
            network_info.append(base.network_info_entry(port, net.get('name')))
        return network_info

    def deallocate_for_instance(self, context, instance):
        for vif in instance.network_info or []:
            if vif.get('preserve_on_delete'):
                self._request('PUT', '/v2.0/ports/%s' % vif['port_id'], json={'port': {
                    'device_id': '', 'device_owner': '', 'binding:host_id': None}})
            else:
                self._request('DELETE', '/v2.0/ports/%s' % vif['port_id'])
