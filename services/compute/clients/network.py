"""Network service (Neutron v2.0 REST) client.

Calls made for a user carry the user's token plus compute's service token
(``base.request_auth``), so the network service applies the user's own
visibility and policy; port binding (``binding:host_id``) is an admin-only
attribute and is always written as the compute service user.
"""

from keystoneauth1 import exceptions as ks_exc

from common import service_auth
from services.compute import exception
from services.compute.clients import base


class NetworkClient(base.NetworkClientBase):
    def _request(self, context, method, url, as_service=False, **kwargs):
        kwargs.setdefault('endpoint_filter', service_auth.endpoint_filter('network', 'network'))
        auth = base.service_session().auth if as_service else base.request_auth(context)
        try:
            return base.service_session().request(url, method, raise_exc=False, auth=auth,
                                                  **kwargs)
        except ks_exc.ClientException as exc:
            raise exception.ExternalServiceError(service='network', reason=str(exc))

    def _check(self, resp):
        if resp.status_code >= 400:
            raise exception.ExternalServiceError(service='network', reason=resp.text[:200])
        return resp.json() if resp.content else {}

    def get_network(self, context, network_id):
        resp = self._request(context, 'GET', '/v2.0/networks/%s' % network_id)
        if resp.status_code == 404:
            raise exception.NetworkNotFound(network_id=network_id)
        return self._check(resp)['network']

    def list_networks(self, context):
        # The project's own networks and the shared ones, as nova asks for
        # them: an admin would otherwise get every project's networks.
        own = self._check(self._request(context, 'GET', '/v2.0/networks',
                                        params={'project_id': context.project_id}))
        shared = self._check(self._request(context, 'GET', '/v2.0/networks',
                                           params={'shared': 'True'}))
        nets = {n['id']: n for n in own['networks'] + shared['networks']}
        return [n for n in nets.values() if not n.get('router:external')]

    def auto_allocated_topology(self, context):
        resp = self._request(context, 'GET',
                             '/v2.0/auto-allocated-topology/%s' % context.project_id)
        # 409: no default external network or pool; 404: the extension is not served
        if resp.status_code in (404, 409):
            return None
        return self._check(resp)['auto_allocated_topology']['id']

    def get_port(self, context, port_id):
        resp = self._request(context, 'GET', '/v2.0/ports/%s' % port_id)
        if resp.status_code == 404:
            raise exception.PortNotFound(port_id=port_id)
        return self._check(resp)['port']

    def security_group_ids(self, context, project_id, names):
        """IDs of the project's security groups named (or with the ID) ``names``."""
        resp = self._request(context, 'GET', '/v2.0/security-groups',
                             params={'project_id': project_id})
        groups = self._check(resp)['security_groups']
        ids = []
        for name in names:
            matches = [g['id'] for g in groups if name in (g['id'], g.get('name'))]
            if not matches:
                raise exception.SecurityGroupNotFound(name=name)
            if len(matches) > 1:
                raise exception.Conflict(reason='Multiple security groups named %s; use '
                                                'the ID' % name)
            ids.append(matches[0])
        return ids

    def proxy(self, context, method, path, params=None, body=None):
        """One Neutron v2.0 call with the user's token, for the compute API's
        nova-network proxies (``api/network_proxy.py``): (status, body)."""
        resp = self._request(context, method, '/v2.0' + path, params=params, json=body)
        if resp.status_code >= 500:
            raise exception.ExternalServiceError(service='network', reason=resp.text[:200])
        try:
            return resp.status_code, resp.json() if resp.content else {}
        except ValueError:
            return resp.status_code, {}

    def list_ports(self, context, device_id):
        resp = self._request(context, 'GET', '/v2.0/ports', params={'device_id': device_id})
        return self._check(resp)['ports']

    def _security_groups_for(self, context, instance):
        names = [g['name'] for g in instance.security_groups or []]
        # Without a list the network service applies the project's default group.
        if names and names != ['default']:
            return self.security_group_ids(context, instance.project_id, names)
        return None

    def allocate_for_instance(self, context, instance, requested_networks, host):
        sg_ids = self._security_groups_for(context, instance)
        return [self._allocate(context, instance, host, request, sg_ids)
                for request in requested_networks or []]

    def allocate_port_for_instance(self, context, instance, host, network_id=None,
                                   port_id=None, fixed_ip=None):
        request = {'port': port_id} if port_id else {'uuid': network_id,
                                                     'fixed_ip': fixed_ip}
        return self._allocate(context, instance, host, request,
                              self._security_groups_for(context, instance))

    def _allocate(self, context, instance, host, request, sg_ids):
        owner = {'device_id': instance.uuid,
                 'device_owner': 'compute:%s' % (instance.availability_zone or 'nova')}
        if request.get('port'):
            resp = self._request(context, 'PUT', '/v2.0/ports/%s' % request['port'],
                                 json={'port': owner})
            port = self._port(resp, port_id=request['port'])
            port['preserve_on_delete'] = True
        else:
            body = dict(owner, network_id=request['uuid'])
            if not base.acts_for_user(context):
                body['project_id'] = instance.project_id
            if request.get('fixed_ip'):
                body['fixed_ips'] = [{'ip_address': request['fixed_ip']}]
            if sg_ids is not None:
                body['security_groups'] = sg_ids
            resp = self._request(context, 'POST', '/v2.0/ports', json={'port': body})
            port = self._port(resp, network_id=request['uuid'],
                              fixed_ip=request.get('fixed_ip'))
        bound = self._bind(port['id'], host)
        port['status'] = bound.get('status', port.get('status'))
        port['binding:vif_details'] = bound.get('binding:vif_details')
        net = self.get_network(context, port['network_id'])
        # A port the user passed may have a floating IP already.
        floating = self.floating_ips_of(context, port) if request.get('port') else None
        return base.network_info_entry(port, net.get('name'), self.subnets_of(context, port),
                                       floating)

    def subnets_of(self, context, port):
        ids = sorted({ip['subnet_id'] for ip in port.get('fixed_ips') or []
                      if ip.get('subnet_id')})
        if not ids:
            return {}
        resp = self._request(context, 'GET', '/v2.0/subnets', params={'id': ids})
        if resp.status_code >= 400:
            return {}  # the guest then gets DHCP entries in network_data.json
        return {s['id']: base.subnet_info(s) for s in resp.json().get('subnets', [])}

    def floating_ips_of(self, context, port):
        resp = self._request(context, 'GET', '/v2.0/floatingips',
                             params={'port_id': port['id']})
        if resp.status_code >= 400:
            return None
        return base.floating_ips_by_fixed(resp.json().get('floatingips', []))

    def _port(self, resp, network_id=None, port_id=None, fixed_ip=None):
        """The port of a create/update answer, the network service's refusals
        turned into compute's own conditions."""
        if resp.status_code == 404:
            if port_id:
                raise exception.PortNotFound(port_id=port_id)
            raise exception.NetworkNotFound(network_id=network_id)
        if resp.status_code in (400, 409):
            try:
                error = resp.json().get('NeutronError') or {}
            except ValueError:
                error = {}
            kind, message = error.get('type'), error.get('message') or resp.text[:200]
            if kind == 'IpAddressAlreadyAllocated':
                raise exception.FixedIpAlreadyInUse(address=fixed_ip)
            if kind == 'IpAddressGenerationFailure':
                raise exception.NoMoreFixedIps(network_id=network_id)
            if resp.status_code == 400:
                raise exception.Invalid(reason=message)
            raise exception.Conflict(reason=message)
        return self._check(resp)['port']

    def _bind(self, port_id, host):
        resp = self._request(None, 'PUT', '/v2.0/ports/%s' % port_id, as_service=True,
                             json={'port': {'binding:host_id': host}})
        return self._check(resp).get('port') or {}

    def bind_ports(self, context, instance, host):
        for vif in instance.network_info or []:
            self._bind(vif['port_id'], host)

    def unbind_ports(self, context, instance):
        for vif in instance.network_info or []:
            self._request(None, 'PUT', '/v2.0/ports/%s' % vif['port_id'], as_service=True,
                          json={'port': {'binding:host_id': None}})

    def deallocate_for_instance(self, context, instance):
        for vif in instance.network_info or []:
            self.deallocate_port_for_instance(context, instance, vif)

    def deallocate_port_for_instance(self, context, instance, vif):
        if vif.get('preserve_on_delete'):
            self._request(None, 'PUT', '/v2.0/ports/%s' % vif['port_id'], as_service=True,
                          json={'port': {'device_id': '', 'device_owner': '',
                                         'binding:host_id': None}})
        else:
            self._request(context, 'DELETE', '/v2.0/ports/%s' % vif['port_id'])
