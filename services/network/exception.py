"""Client-visible network errors; ``fault_type`` is neutron's type name."""

from common import exception


class NetworkError(exception.AltoError):
    fault_type = None


class BadRequest(exception.BadRequest):
    fault_type = 'HTTPBadRequest'
    msg_fmt = 'Bad %(resource)s request: %(msg)s.'


class InvalidInput(exception.BadRequest):
    fault_type = 'InvalidInput'
    msg_fmt = 'Invalid input for operation: %(error_message)s.'


class NotFound(exception.NotFound):
    fault_type = 'NotFound'


class NetworkNotFound(NotFound):
    fault_type = 'NetworkNotFound'
    msg_fmt = 'Network %(net_id)s could not be found.'


class SubnetNotFound(NotFound):
    fault_type = 'SubnetNotFound'
    msg_fmt = 'Subnet %(subnet_id)s could not be found.'


class SubnetPoolNotFound(NotFound):
    fault_type = 'SubnetPoolNotFound'
    msg_fmt = 'Subnet pool %(subnetpool_id)s could not be found.'


class PortNotFound(NotFound):
    fault_type = 'PortNotFound'
    msg_fmt = 'Port %(port_id)s could not be found.'


class RouterNotFound(NotFound):
    fault_type = 'RouterNotFound'
    msg_fmt = 'Router %(router_id)s could not be found.'


class FloatingIPNotFound(NotFound):
    fault_type = 'FloatingIPNotFound'
    msg_fmt = 'Floating IP %(floatingip_id)s could not be found.'


class MeteringLabelNotFound(NotFound):
    fault_type = 'MeteringLabelNotFound'
    msg_fmt = 'Metering label %(label_id)s does not exist.'


class MeteringLabelRuleNotFound(NotFound):
    fault_type = 'MeteringLabelRuleNotFound'
    msg_fmt = 'Metering label rule %(rule_id)s does not exist.'


class TagNotFound(NotFound):
    fault_type = 'TagNotFound'
    msg_fmt = 'Tag %(tag)s could not be found for %(resource)s %(resource_id)s.'


class SecurityGroupNotFound(NotFound):
    fault_type = 'SecurityGroupNotFound'
    msg_fmt = 'Security group %(id)s does not exist.'


class SecurityGroupRuleNotFound(NotFound):
    fault_type = 'SecurityGroupRuleNotFound'
    msg_fmt = 'Security group rule %(id)s does not exist.'


class AgentNotFound(NotFound):
    fault_type = 'AgentNotFound'
    msg_fmt = 'Agent %(id)s could not be found.'


class ExtensionNotFound(NotFound):
    fault_type = 'ExtensionNotFound'
    msg_fmt = 'Extension with alias %(alias)s does not exist.'


class ResourceNotFound(NotFound):
    fault_type = 'HTTPNotFound'
    msg_fmt = 'The resource could not be found.'


class Conflict(exception.Conflict):
    fault_type = 'Conflict'
    msg_fmt = '%(reason)s'


class NetworkInUse(Conflict):
    fault_type = 'NetworkInUse'
    msg_fmt = ('Unable to complete operation on network %(net_id)s. '
               'There are one or more ports still in use on the network.')


class SubnetInUse(Conflict):
    fault_type = 'SubnetInUse'
    msg_fmt = ('Unable to complete operation on subnet %(subnet_id)s: '
               '%(reason)s.')


class PortInUse(Conflict):
    fault_type = 'PortInUse'
    msg_fmt = ('Unable to complete operation on port %(port_id)s for network '
               '%(net_id)s. Port already has an attached device %(device_id)s.')


class IpAddressInUse(Conflict):
    fault_type = 'IpAddressInUse'
    msg_fmt = ('Unable to complete operation for network %(net_id)s. '
               'The IP address %(ip_address)s is in use.')


class IpAddressAlreadyAllocated(Conflict):
    fault_type = 'IpAddressAlreadyAllocated'
    msg_fmt = 'IP address %(ip)s already allocated in subnet %(subnet_id)s.'


class IpAddressGenerationFailure(Conflict):
    fault_type = 'IpAddressGenerationFailure'
    msg_fmt = 'No more IP addresses available on network %(net_id)s.'


class MacAddressInUse(Conflict):
    fault_type = 'MacAddressInUse'
    msg_fmt = ('Unable to complete operation for network %(net_id)s. '
               'The mac address %(mac)s is in use.')


class InvalidIpForSubnet(InvalidInput):
    fault_type = 'InvalidIpForSubnet'
    msg_fmt = 'IP address %(ip_address)s is not a valid IP for the specified subnet.'


class InvalidIpForNetwork(InvalidInput):
    fault_type = 'InvalidIpForNetwork'
    msg_fmt = 'IP address %(ip_address)s is not a valid IP for any of the subnets on the specified network.'


class InvalidCIDR(InvalidInput):
    fault_type = 'InvalidCIDR'
    msg_fmt = 'Invalid CIDR %(input)s given as IP prefix.'


class InvalidAllocationPool(InvalidInput):
    fault_type = 'InvalidAllocationPool'
    msg_fmt = 'The allocation pool %(pool)s is not valid.'


class OverlappingAllocationPools(Conflict):
    fault_type = 'OverlappingAllocationPools'
    msg_fmt = ('Found overlapping allocation pools: %(pool_1)s %(pool_2)s '
               'for subnet %(subnet_cidr)s.')


class GatewayConflictWithAllocationPools(Conflict):
    fault_type = 'GatewayConflictWithAllocationPools'
    msg_fmt = 'Gateway ip %(ip_address)s conflicts with allocation pool %(pool)s.'


class SubnetOverlap(InvalidInput):
    """Neutron answers an overlapping CIDR on one network with a 400."""
    fault_type = 'InvalidInput'
    msg_fmt = ('Invalid input for operation: Requested subnet with cidr: '
               '%(cidr)s for network: %(net_id)s overlaps with another subnet.')


class SubnetAllocationError(Conflict):
    fault_type = 'SubnetAllocationError'
    msg_fmt = 'Failed to allocate subnet: %(reason)s.'


class NoNetworkAvailable(exception.ServiceUnavailable):
    fault_type = 'NoNetworkAvailable'
    msg_fmt = 'Unable to create the network. No tenant network is available for allocation.'


class SegmentationIdInUse(Conflict):
    fault_type = 'SegmentationIdInUse'
    msg_fmt = ('Unable to create the network. The %(network_type)s segment '
               '%(segmentation_id)s on physical network %(physical_network)s is in use.')


class FlatNetworkInUse(Conflict):
    fault_type = 'FlatNetworkInUse'
    msg_fmt = ('Unable to create the flat network. Physical network '
               '%(physical_network)s is in use.')


class RouterInUse(Conflict):
    fault_type = 'RouterInUse'
    msg_fmt = 'Router %(router_id)s %(reason)s'


class RouterInterfaceNotFoundForSubnet(NotFound):
    fault_type = 'RouterInterfaceNotFoundForSubnet'
    msg_fmt = 'Router %(router_id)s has no interface on subnet %(subnet_id)s.'


class RouterInterfaceNotFound(NotFound):
    fault_type = 'RouterInterfaceNotFound'
    msg_fmt = 'Router %(router_id)s does not have an interface with id %(port_id)s.'


class RouterInterfaceInUseByFloatingIP(Conflict):
    fault_type = 'RouterInterfaceInUseByFloatingIP'
    msg_fmt = ('Router interface for subnet %(subnet_id)s on router %(router_id)s '
               'cannot be deleted, as it is required by one or more floating IPs.')


class BadRouterInterface(BadRequest):
    fault_type = 'BadRequest'
    msg_fmt = 'Bad router request: %(msg)s.'


class ExternalGatewayForFloatingIPNotFound(NotFound):
    fault_type = 'ExternalGatewayForFloatingIPNotFound'
    msg_fmt = ('External network %(external_network_id)s is not reachable from '
               'subnet %(subnet_id)s. Therefore, cannot associate Port %(port_id)s '
               'with a Floating IP.')


class FloatingIPPortAlreadyAssociated(Conflict):
    fault_type = 'FloatingIPPortAlreadyAssociated'
    msg_fmt = ('Cannot associate floating IP %(floating_ip_address)s '
               '(%(fip_id)s) with port %(port_id)s using fixed IP '
               '%(fixed_ip)s, as that fixed IP already has a floating IP on '
               'external network %(net_id)s.')


class ExternalNetworkInUse(Conflict):
    fault_type = 'ExternalNetworkInUse'
    msg_fmt = '%(reason)s'


class SecurityGroupInUse(Conflict):
    fault_type = 'SecurityGroupInUse'
    msg_fmt = 'Security Group %(id)s %(reason)s.'


class SecurityGroupRuleExists(Conflict):
    fault_type = 'SecurityGroupRuleExists'
    msg_fmt = 'Security group rule already exists. Rule id is %(rule_id)s.'


class SecurityGroupDefaultAlreadyExists(Conflict):
    fault_type = 'SecurityGroupDefaultAlreadyExists'
    msg_fmt = 'Default security group already exists.'


class SecurityGroupCannotUpdateDefault(Conflict):
    fault_type = 'SecurityGroupCannotUpdateDefault'
    msg_fmt = 'Updating default security group not allowed.'


class SecurityGroupInvalidPortValue(exception.BadRequest):
    fault_type = 'SecurityGroupInvalidPortValue'
    msg_fmt = 'Invalid value for port %(port)s.'


class SecurityGroupInvalidPortRange(exception.BadRequest):
    fault_type = 'SecurityGroupInvalidPortRange'
    msg_fmt = ('For TCP/UDP protocols, port_range_min must be <= port_range_max, and both '
               'must be given.')


class SecurityGroupInvalidIcmpValue(exception.BadRequest):
    fault_type = 'SecurityGroupInvalidIcmpValue'
    msg_fmt = 'Invalid value for ICMP %(field)s (%(attr)s) %(value)s: it must be 0 to 255.'


class SecurityGroupMissingIcmpType(exception.BadRequest):
    fault_type = 'SecurityGroupMissingIcmpType'
    msg_fmt = ('No ICMP type for ICMP code %(value)s: the ICMP type (port-range-min) is '
               'missing.')


class SecurityGroupProtocolRequiredWithPorts(exception.BadRequest):
    fault_type = 'SecurityGroupProtocolRequiredWithPorts'
    msg_fmt = 'A port range needs a protocol as well.'


class SecurityGroupInvalidProtocolForPort(exception.BadRequest):
    fault_type = 'SecurityGroupInvalidProtocolForPort'
    msg_fmt = ('Protocol %(protocol)s takes no port range; only TCP, UDP, UDPLITE, DCCP and '
               'SCTP rules do (and ICMP rules a type and code).')


class SecurityGroupEthertypeConflictWithProtocol(exception.BadRequest):
    fault_type = 'SecurityGroupEthertypeConflictWithProtocol'
    msg_fmt = 'Ethertype %(ethertype)s is not valid for protocol %(protocol)s.'


class SecurityGroupCannotRemoveDefault(Conflict):
    fault_type = 'SecurityGroupCannotRemoveDefault'
    msg_fmt = 'Insufficient rights for removing default security group.'


class OverQuota(exception.OverQuota):
    """Neutron reports an exceeded quota with 409 Conflict."""
    fault_type = 'OverQuota'
    code = 409
    title = 'Conflict'
    msg_fmt = 'Quota exceeded for resources: %(overs)s.'


class PolicyNotAuthorized(exception.PolicyNotAuthorized):
    fault_type = 'HTTPForbidden'
    msg_fmt = "(rule:%(action)s) is disallowed by policy"


class ProjectScopeRequired(exception.Forbidden):
    fault_type = 'HTTPForbidden'
    msg_fmt = 'This call needs a token scoped to a project.'


class DeviceIDNotOwnedByTenant(exception.Forbidden):
    fault_type = 'DeviceIDNotOwnedByTenant'
    msg_fmt = ('The following device_id %(device_id)s is not owned by your project or '
               'matches another project\'s router or floating IP.')


class MeteringLabelRuleOverlaps(Conflict):
    fault_type = 'MeteringLabelRuleOverlaps'
    msg_fmt = 'Metering label rule with remote_ip_prefix %(remote_ip_prefix)s overlaps ' \
        'another.'


class RbacPolicyNotFound(NotFound):
    fault_type = 'RbacPolicyNotFound'
    msg_fmt = 'RBAC policy of type %(object_type)s with ID %(id)s not found'


class DuplicateRbacPolicy(Conflict):
    fault_type = 'DuplicateRbacPolicy'
    msg_fmt = 'An RBAC policy already exists with those values.'


class RbacPolicyInUse(Conflict):
    fault_type = 'RbacPolicyInUse'
    msg_fmt = ('RBAC policy on object %(object_id)s cannot be removed because other '
               'objects depend on it.')


class AddressScopeNotFound(NotFound):
    fault_type = 'AddressScopeNotFound'
    msg_fmt = 'Address scope %(address_scope_id)s could not be found'


class AddressScopeInUse(Conflict):
    fault_type = 'AddressScopeInUse'
    msg_fmt = ('Unable to complete operation on address scope %(address_scope_id)s. There are '
               'one or more subnet pools in use on the address scope')


class QosPolicyNotFound(NotFound):
    fault_type = 'QosPolicyNotFound'
    msg_fmt = 'QoS policy %(policy_id)s could not be found.'


class QosRuleNotFound(NotFound):
    fault_type = 'QosRuleNotFound'
    msg_fmt = 'QoS rule %(rule_id)s could not be found.'


class QoSRulesConflict(Conflict):
    fault_type = 'QoSRulesConflict'
    msg_fmt = 'A %(rule_type)s rule of that direction already exists in policy %(policy_id)s.'


class QoSPolicyDefaultAlreadyExists(Conflict):
    fault_type = 'QoSPolicyDefaultAlreadyExists'
    msg_fmt = 'A default QoS policy exists for project %(project_id)s.'


class QosPolicyInUse(Conflict):
    fault_type = 'QosPolicyInUse'
    msg_fmt = ('QoS Policy %(policy_id)s is used by %(object_type)s %(object_id)s.')


# -- trunks ----------------------------------------------------------------

class TrunkNotFound(NotFound):
    fault_type = 'TrunkNotFound'
    msg_fmt = 'Trunk %(trunk_id)s could not be found.'


class SubPortNotFound(NotFound):
    fault_type = 'SubPortNotFound'
    msg_fmt = 'Port %(port_id)s is not a subport of trunk %(trunk_id)s.'


class TrunkPortInUse(Conflict):
    fault_type = 'TrunkPortInUse'
    msg_fmt = 'Port %(port_id)s is already the parent port of a trunk.'


class ParentPortInUse(Conflict):
    fault_type = 'ParentPortInUse'
    msg_fmt = 'Port %(port_id)s is in use and cannot be the parent port of a trunk.'


class PortInUseAsTrunkParent(Conflict):
    fault_type = 'PortInUseAsTrunkParent'
    msg_fmt = 'Port %(port_id)s is the parent port of trunk %(trunk_id)s.'


class PortInUseAsSubPort(Conflict):
    fault_type = 'PortInUseAsSubPort'
    msg_fmt = 'Port %(port_id)s is a subport of trunk %(trunk_id)s.'


class DuplicateSubPort(Conflict):
    fault_type = 'DuplicateSubPort'
    msg_fmt = ('Segmentation %(segmentation_type)s %(segmentation_id)s is already used on '
               'trunk %(trunk_id)s.')


class TrunkDisabled(Conflict):
    fault_type = 'TrunkDisabled'
    msg_fmt = 'Trunk %(trunk_id)s is disabled (admin_state_up false).'


class TrunkInUse(Conflict):
    fault_type = 'TrunkInUse'
    msg_fmt = 'Trunk %(trunk_id)s is in use: its parent port is bound to an instance.'


# -- auto-allocated topology -------------------------------------------------

class DefaultExternalNetworkExists(Conflict):
    fault_type = 'DefaultExternalNetworkExists'
    msg_fmt = ('Network %(net_id)s cannot be the default external network: %(other_id)s '
               'already is.')


class AutoAllocationFailure(Conflict):
    fault_type = 'AutoAllocationFailure'
    msg_fmt = 'Deployment error: %(reason)s.'


# -- segments ----------------------------------------------------------------

class SegmentNotFound(NotFound):
    fault_type = 'SegmentNotFound'
    msg_fmt = 'Segment %(segment_id)s could not be found.'


class SegmentInUse(Conflict):
    fault_type = 'SegmentInUse'
    msg_fmt = 'Segment %(segment_id)s cannot be deleted: %(reason)s.'


# -- agent scheduling (l3_agent_scheduler, dhcp_agent_scheduler) ---------------------------

class InvalidL3Agent(BadRequest):
    fault_type = 'InvalidL3Agent'
    msg_fmt = 'Agent %(id)s is not a L3 Agent or has been disabled'


class RouterHostedByL3Agent(Conflict):
    fault_type = 'RouterHostedByL3Agent'
    msg_fmt = 'The router %(router_id)s has been already hosted by the L3 Agent %(agent_id)s.'


class RouterNotHostedByL3Agent(Conflict):
    fault_type = 'RouterNotHostedByL3Agent'
    msg_fmt = 'The router %(router_id)s is not hosted by L3 agent %(agent_id)s.'


class InvalidDHCPAgent(BadRequest):
    fault_type = 'InvalidDHCPAgent'
    msg_fmt = 'Agent %(id)s is not a valid DHCP Agent or has been disabled'


class NetworkHostedByDHCPAgent(Conflict):
    fault_type = 'NetworkHostedByDHCPAgent'
    msg_fmt = 'The network %(network_id)s has been already hosted by the DHCP Agent ' \
              '%(agent_id)s.'


class NetworkNotHostedByDhcpAgent(Conflict):
    fault_type = 'NetworkNotHostedByDhcpAgent'
    msg_fmt = 'The network %(network_id)s is not hosted by the DHCP agent %(agent_id)s.'
