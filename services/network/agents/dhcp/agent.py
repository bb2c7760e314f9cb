"""The DHCP agent's logic: a ``qdhcp-<network>`` namespace and a dnsmasq per network.

For each network with an enabled IPv4 DHCP subnet the agent asks the
conductor for its DHCP port (a real port, ``device_owner`` ``network:dhcp``,
bound to this host), plugs an OVS internal port for it into the integration
bridge with ``external_ids:iface-id`` = the port id -- so the Open vSwitch
agent gives it the network's local VLAN like any guest port -- moves it into
the namespace with the port's MAC and addresses, and runs dnsmasq there from
files built from the network's ports. Port, subnet and network
notifications rewrite the files and SIGHUP dnsmasq; a periodic check
restarts a dnsmasq that died and retries networks whose setup failed.

With ``enable_metadata_route`` (and a metadata agent's socket) the
namespace also serves metadata: dnsmasq hands guests a route to
169.254.169.254/32 via the DHCP port, which carries that address too, and an
``alto-ns-metadata-proxy`` for the network listens on it (port 80), so
guests on networks without a router read their metadata.
"""

import os
import threading
import uuid

import oslo_messaging as messaging
from oslo_log import log as logging

from common import context as alto_context
from services.network.agents.dhcp import dnsmasq
from services.network.agents.metadata import process as proxy_process

LOG = logging.getLogger(__name__)
AGENT_TYPE = 'DHCP agent'
BINARY = 'neutron-dhcp-agent'
NS_PREFIX = 'qdhcp-'
METADATA_ADDRESS = '169.254.169.254'


def device_name(port_id):
    return ('tap' + port_id)[:14]


class DhcpAgent:
    target = messaging.Target(namespace='alto-dhcp-agent-local', version='1.0')

    def __init__(self, plugin, ovs, ip, host, state_dir, bridge='br-int',
                 dnsmasq_binary='dnsmasq', domain='openstacklocal', lease_seconds=86400,
                 metadata_route=False, resync_interval=10, context=None,
                 process_class=dnsmasq.Process, metadata_socket=None,
                 proxy_class=proxy_process.ProxyProcess):
        self.plugin = plugin
        self.ovs = ovs
        self.ip = ip
        self.host = host
        self.state_dir = state_dir
        self.bridge = bridge
        self.dnsmasq_binary = dnsmasq_binary
        self.domain = domain
        self.lease_seconds = lease_seconds
        self.metadata_route = metadata_route
        #: the metadata agent's socket: a proxy per namespace when the route is handed out
        self.metadata_socket = metadata_socket if metadata_route else None
        self.proxy_class = proxy_class
        self.context = context or alto_context.get_admin_context()
        self.process_class = process_class
        #: network id -> {'port': dhcp port, 'process': Process, 'argv': [...]}
        self.networks = {}
        self._failed = set()
        self._resync = True
        self._start_flag = True
        self._lock = threading.Lock()
        self.periodic_tasks = [(self.periodic_check, resync_interval)]

    def device_id(self, network_id):
        """The DHCP port's device_id: stable per host and network."""
        return 'dhcp%s-%s' % (uuid.uuid5(uuid.NAMESPACE_DNS, self.host), network_id)

    # -- daemon hooks ---------------------------------------------------------------------
    def init_host(self):
        _open_dir(self.state_dir)

    def report_state(self):
        ports = sum(len(n.get('ports') or []) for n in
                    (e['network'] for e in self.networks.values()))
        state = {
            'agent_type': AGENT_TYPE, 'binary': BINARY, 'host': self.host,
            'topic': 'dhcp_agent', 'start_flag': self._start_flag,
            'resources_synced': not self._resync,
            'configurations': {'dhcp_driver': 'dnsmasq', 'networks': len(self.networks),
                               'subnets': sum(len(dnsmasq.dhcp_subnets(e['network']))
                                              for e in self.networks.values()),
                               'ports': ports, 'dhcp_lease_duration': self.lease_seconds,
                               'log_agent_heartbeats': False}}
        self.plugin.report_state(self.context, state)
        self._start_flag = False

    # -- sync -------------------------------------------------------------------------------
    def periodic_check(self):
        with self._lock:
            if self._resync:
                self._sync_all()
                return
            for network_id in sorted(self._failed):
                self._refresh(network_id)
            for network_id, entry in sorted(self.networks.items()):
                if not entry['process'].alive():
                    LOG.warning('dnsmasq of network %s is not running: restarting it',
                                network_id)
                    entry['process'].start()
                if entry.get('proxy') is not None:
                    entry['proxy'].ensure()

    def _sync_all(self):
        try:
            wanted = self.plugin.get_active_networks_info(self.context, self.host)
        except Exception:
            LOG.exception('Full DHCP sync failed; retrying')
            return
        wanted_ids = set()
        for network in wanted:
            wanted_ids.add(network['id'])
            self._configure(network)
        for network_id in set(self.networks) - wanted_ids:
            self._disable(network_id)
        self._forget_stale_namespaces(wanted_ids)
        self._resync = False

    def _forget_stale_namespaces(self, wanted_ids):
        for name in self.ip.namespaces():
            if name.startswith(NS_PREFIX) and name[len(NS_PREFIX):] not in wanted_ids:
                network_id = name[len(NS_PREFIX):]
                self._stop_process(network_id)
                self.ip.delete_namespace(name)

    def _refresh(self, network_id):
        try:
            network = self.plugin.get_network_info(self.context, network_id, self.host)
        except Exception:
            LOG.exception('Reading network %s failed; retrying', network_id)
            self._failed.add(network_id)
            return
        if network is None:
            self._disable(network_id)
        else:
            self._configure(network)

    def _configure(self, network):
        network_id = network['id']
        if not dnsmasq.dhcp_subnets(network) or not network.get('admin_state_up', True):
            self._disable(network_id)
            return
        try:
            port = self._dhcp_port(network)
            if port['id'] not in {p['id'] for p in network.get('ports') or []}:
                network = dict(network, ports=list(network.get('ports') or []) + [port])
            self._plug(network, port)
            self._serve(network, port)
        except Exception:
            LOG.exception('DHCP for network %s failed; retrying', network_id)
            self._failed.add(network_id)
            return
        self._failed.discard(network_id)

    def _dhcp_port(self, network):
        device_id = self.device_id(network['id'])
        wanted = {s['id'] for s in dnsmasq.dhcp_subnets(network)}
        for port in network.get('ports') or []:
            if port.get('device_owner') == 'network:dhcp' and port.get('device_id') == device_id:
                if wanted <= {ip['subnet_id'] for ip in port.get('fixed_ips') or []}:
                    return port
        # Missing, or a subnet came along: the conductor creates or rebinds it.
        return self.plugin.create_dhcp_port(self.context, network['id'], self.host, device_id)

    def _plug(self, network, port):
        namespace = NS_PREFIX + network['id']
        device = device_name(port['id'])
        self.ip.ensure_namespace(namespace)
        if not self.ip.link_in(device, namespace):
            self.ovs.add_internal_port(self.bridge, device, port['id'], port['mac_address'])
            self.ip.move_to(device, namespace)
        prefixes = {s['id']: s['cidr'].split('/')[1] for s in network.get('subnets') or []}
        cidrs = ['%s/%s' % (ip['ip_address'], prefixes[ip['subnet_id']])
                 for ip in port.get('fixed_ips') or [] if ip['subnet_id'] in prefixes
                 and ':' not in ip['ip_address']]
        if self.metadata_socket:
            cidrs.append(METADATA_ADDRESS + '/32')
        self.ip.configure(namespace, device, port['mac_address'], cidrs, network.get('mtu'))

    def _serve(self, network, port):
        network_id = network['id']
        directory = os.path.join(self.state_dir, network_id)
        _open_dir(directory)
        _write(os.path.join(directory, 'host'), dnsmasq.hosts_file(network, self.domain))
        _write(os.path.join(directory, 'opts'),
               dnsmasq.options_file(network, port, self.metadata_route))
        argv = dnsmasq.command(self.dnsmasq_binary, directory, device_name(port['id']),
                               network, self.lease_seconds, self.domain)
        entry = self.networks.get(network_id)
        if entry is None:
            process = self.process_class(network_id, directory, NS_PREFIX + network_id, argv)
            entry = self.networks[network_id] = {'process': process}
        process = entry['process']
        entry.update(network=network, port=port)
        running = process.running_argv()
        if process.argv != argv or (running is not None and running != argv):
            # New subnets or a new device (or a dnsmasq an earlier agent started
            # otherwise): dnsmasq's command line changed.
            process.stop()
            process.argv = argv
        if process.alive():
            process.reload()
            process.release_stale_leases(device_name(port['id']))
        else:
            process.start()
        if self.metadata_socket:
            if entry.get('proxy') is None:
                entry['proxy'] = self._proxy(network_id)
            entry['proxy'].ensure()

    def _proxy(self, network_id):
        return self.proxy_class('network', network_id, NS_PREFIX + network_id,
                                os.path.join(self.state_dir, network_id),
                                self.metadata_socket, 80, bind_host=METADATA_ADDRESS)

    def _stop_process(self, network_id):
        """Stop the network's dnsmasq; its DHCP port (or None)."""
        entry = self.networks.pop(network_id, None)
        if self.metadata_socket:
            proxy = (entry or {}).get('proxy') or self._proxy(network_id)
            proxy.stop()
        if entry is not None:
            entry['process'].stop()
            return entry.get('port')
        directory = os.path.join(self.state_dir, network_id)
        self.process_class(network_id, directory, NS_PREFIX + network_id, []).stop()
        return None

    def _disable(self, network_id):
        self._failed.discard(network_id)
        port = self._stop_process(network_id)
        if port is not None:
            self.ovs.del_port(device_name(port['id']))
        namespace = NS_PREFIX + network_id
        if port is not None or namespace in self.ip.namespaces():
            LOG.info('DHCP for network %s disabled', network_id)
            self.ip.delete_namespace(namespace)

    # -- notifications (fanout from the conductor) -----------------------------------------
    def _changed(self, network_id):
        with self._lock:
            if self._resync:
                return  # the full sync will see it
            self._refresh(network_id)

    def network_update(self, context, network):
        self._changed(network['id'])

    def network_delete(self, context, network_id):
        with self._lock:
            self._disable(network_id)

    def subnet_update(self, context, subnet):
        self._changed(subnet['network_id'])

    def subnet_delete(self, context, subnet_id, network_id):
        self._changed(network_id)

    def port_update(self, context, port):
        entry = self.networks.get(port['network_id'])
        if entry is None and port['network_id'] not in self._failed:
            return  # a network another DHCP agent serves (or none with DHCP)
        if entry is not None and port.get('device_owner') != 'network:dhcp' and \
                _same_lease(entry['network'], port):
            return  # only its status changed: nothing dnsmasq serves
        self._changed(port['network_id'])

    def port_delete(self, context, port_id, network_id):
        if network_id in self.networks:
            self._changed(network_id)


def _same_lease(network, port):
    for known in network.get('ports') or []:
        if known['id'] == port['id']:
            return (known.get('mac_address'), known.get('fixed_ips'), known.get('dns_name')) \
                == (port.get('mac_address'), port.get('fixed_ips'), port.get('dns_name'))
    return False


def _open_dir(path):
    """A directory dnsmasq can read after it dropped root (to nobody): it
    rereads the hosts and options files there on SIGHUP. The daemons' umask
    (027) would keep it out."""
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o755)


def _write(path, text):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
