"""alto-dhcp-agent: dnsmasq per network in qdhcp-<network> namespaces."""
