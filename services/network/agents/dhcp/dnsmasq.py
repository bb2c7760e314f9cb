"""dnsmasq for one network: its files (pure functions) and its process.

dnsmasq serves fixed leases only (``static`` ranges): the hosts file maps
each port's MAC to its address and host name, the options file carries the
router, DNS servers, host routes (classless static routes, with the default
route in them, since a client that gets them ignores the router option) and
the MTU. On a port change the files are rewritten and dnsmasq gets SIGHUP,
which rereads them and keeps its leases; the leases of addresses no longer
given to that MAC are released (``dhcp_release``, dnsmasq-utils), or dnsmasq
would refuse the address to the next port that gets it ("leased to") until
the old lease ran out.
"""

import ipaddress
import os
import signal
import subprocess

from oslo_log import log as logging

LOG = logging.getLogger(__name__)
METADATA_CIDR = '169.254.169.254/32'


def tag(subnet):
    return 'subnet-%s' % subnet['id']


def dhcp_subnets(network):
    """The IPv4 subnets of ``network`` with DHCP enabled."""
    return [s for s in network.get('subnets') or []
            if s.get('enable_dhcp') and s.get('ip_version', 4) == 4]


def hostname(port, address):
    return port.get('dns_name') or 'host-%s' % address.replace('.', '-').replace(':', '-')


def hosts_file(network, domain):
    """``mac,name.domain,ip`` per fixed address of a port on a DHCP subnet."""
    subnet_ids = {s['id'] for s in dhcp_subnets(network)}
    lines = []
    for port in sorted(network.get('ports') or [], key=lambda p: p['id']):
        for ip in port.get('fixed_ips') or []:
            if ip['subnet_id'] not in subnet_ids:
                continue
            lines.append('%s,%s.%s,%s' % (port['mac_address'],
                                          hostname(port, ip['ip_address']), domain,
                                          ip['ip_address']))
    return ''.join(line + '\n' for line in lines)


def host_pairs(text):
    """``{(mac, ip)}`` of a hosts file (:func:`hosts_file`)."""
    pairs = set()
    for line in text.splitlines():
        fields = line.strip().split(',')
        if len(fields) >= 2:
            pairs.add((fields[0].lower(), fields[-1]))
    return pairs


def stale_leases(leases_text, hosts_text):
    """``[(ip, mac)]`` of the IPv4 leases in dnsmasq's lease file
    (``expiry mac ip name client-id`` per line) that the hosts file no
    longer gives to that MAC."""
    wanted = host_pairs(hosts_text)
    stale = []
    for line in leases_text.splitlines():
        fields = line.split()
        if len(fields) < 3 or ':' in fields[2] or fields[1].lower() == 'duid':
            continue  # malformed, IPv6 or the DUID line
        if (fields[1].lower(), fields[2]) not in wanted:
            stale.append((fields[2], fields[1].lower()))
    return stale


def options_file(network, dhcp_port, metadata_route=False):
    lines = []
    dhcp_ips = {ip['subnet_id']: ip['ip_address'] for ip in dhcp_port.get('fixed_ips') or []}
    for subnet in dhcp_subnets(network):
        prefix = 'tag:%s,' % tag(subnet)
        gateway = subnet.get('gateway_ip')
        lines.append(prefix + 'option:router' + (',' + gateway if gateway else ''))
        if subnet.get('dns_nameservers'):
            lines.append(prefix + 'option:dns-server,' + ','.join(subnet['dns_nameservers']))
        routes = [(r['destination'], r['nexthop']) for r in subnet.get('host_routes') or []]
        if metadata_route and subnet['id'] in dhcp_ips and \
                not any(dst == METADATA_CIDR for dst, _ in routes):
            routes.append((METADATA_CIDR, dhcp_ips[subnet['id']]))
        if routes:
            if gateway and not any(dst == '0.0.0.0/0' for dst, _ in routes):
                routes.append(('0.0.0.0/0', gateway))
            lines.append(prefix + 'option:classless-static-route,' +
                         ','.join('%s,%s' % r for r in routes))
        if network.get('mtu'):
            lines.append(prefix + 'option:mtu,%d' % network['mtu'])
    return ''.join(line + '\n' for line in lines)


def command(binary, directory, device, network, lease_seconds, domain):
    argv = [binary, '--keep-in-foreground', '--no-hosts', '--no-resolv', '--port=0',
            '--bind-interfaces', '--interface=%s' % device, '--except-interface=lo',
            '--conf-file=/dev/null', '--log-facility=-', '--log-dhcp',
            '--dhcp-authoritative', '--domain=%s' % domain,
            '--pid-file=%s' % os.path.join(directory, 'pid'),
            '--dhcp-hostsfile=%s' % os.path.join(directory, 'host'),
            '--dhcp-optsfile=%s' % os.path.join(directory, 'opts'),
            '--dhcp-leasefile=%s' % os.path.join(directory, 'leases')]
    total = 0
    for subnet in dhcp_subnets(network):
        net = ipaddress.ip_network(subnet['cidr'], strict=False)
        total += net.num_addresses
        argv.append('--dhcp-range=set:%s,%s,static,%s,%ds' % (
            tag(subnet), net.network_address, net.netmask, lease_seconds))
    argv.append('--dhcp-lease-max=%d' % max(total, 16))
    return argv


class Process:
    """The dnsmasq of one network, started in its namespace and remembered
    by pid (``<directory>/pid``) so a restarted agent finds it again."""

    def __init__(self, network_id, directory, namespace, argv):
        self.network_id = network_id
        self.directory = directory
        self.namespace = namespace
        self.argv = argv
        self._popen = None

    @property
    def pid_path(self):
        return os.path.join(self.directory, 'pid')

    def _found(self):
        """(pid, argv) of the dnsmasq the pid file names, when it runs."""
        try:
            with open(self.pid_path) as f:
                pid = int(f.read().strip())
            with open('/proc/%d/cmdline' % pid, 'rb') as f:
                argv = f.read().decode('utf-8', 'replace').split('\0')[:-1]
        except (OSError, ValueError):
            return None, None
        # Not ours unless it serves this network's files.
        if not any('dnsmasq' in a for a in argv[:1]) or \
                not any(self.directory in a for a in argv):
            return None, None
        return pid, argv

    def pid(self):
        if self._popen is not None:
            return None if self._popen.poll() is not None else self._popen.pid
        return self._found()[0]

    def running_argv(self):
        """The command line of the running dnsmasq (one started by an
        earlier agent too), or None."""
        if self._popen is not None:
            return self.argv if self._popen.poll() is None else None
        return self._found()[1]

    def alive(self):
        return self.pid() is not None

    def start(self):
        log = open(os.path.join(self.directory, 'dnsmasq.log'), 'ab')
        try:
            self._popen = subprocess.Popen(
                ['ip', 'netns', 'exec', self.namespace] + self.argv, stdout=log,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        finally:
            log.close()
        LOG.info('dnsmasq for network %s started (pid %d)', self.network_id, self._popen.pid)

    def reload(self):
        pid = self.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGHUP)
        return True

    def release_stale_leases(self, device):
        """Tell dnsmasq to drop each lease the hosts file no longer backs."""
        try:
            with open(os.path.join(self.directory, 'leases')) as f:
                leases = f.read()
            with open(os.path.join(self.directory, 'host')) as f:
                hosts = f.read()
        except OSError:
            return
        for ip, mac in stale_leases(leases, hosts):
            try:
                subprocess.run(['ip', 'netns', 'exec', self.namespace, 'dhcp_release', device,
                                ip, mac], check=True, capture_output=True, timeout=10)
                LOG.info('DHCP lease of %s to %s released (network %s)', ip, mac,
                         self.network_id)
            except (OSError, subprocess.SubprocessError) as exc:
                LOG.warning('DHCP lease of %s to %s not released (network %s): %s', ip, mac,
                            self.network_id, exc)

    def stop(self):
        pid = self.pid()
        if pid is not None:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        if self._popen is not None:
            try:
                self._popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._popen.kill()
                self._popen.wait()
            self._popen = None
