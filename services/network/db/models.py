"""SQLAlchemy models of the network database (conductor only)."""

import sqlalchemy as sa
from oslo_utils import timeutils
from sqlalchemy import orm

metadata = sa.MetaData(naming_convention={
    'ix': 'ix_%(column_0_label)s',
    'uq': 'uq_%(table_name)s_%(column_0_name)s',
    'fk': 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s',
    'pk': 'pk_%(table_name)s',
})


class Base(orm.DeclarativeBase):
    metadata = metadata


def _id():
    return sa.Column(sa.String(36), primary_key=True)


def _project():
    return sa.Column(sa.String(255), index=True)


class StandardAttrs:
    """Description, timestamps and revision number every resource carries."""
    description = sa.Column(sa.String(255), nullable=False, default='')
    created_at = sa.Column(sa.DateTime, nullable=False, default=timeutils.utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=timeutils.utcnow,
                           onupdate=timeutils.utcnow)
    revision_number = sa.Column(sa.BigInteger, nullable=False, default=0)


class Tag(Base):
    """A tag on any taggable resource (``standard-attr-tag``). Resource IDs are
    UUIDs, unique across tables, so the ID alone names the resource; the
    rows go when their resource goes (the conductor purges them)."""
    __tablename__ = 'tags'
    resource_id = sa.Column(sa.String(36), primary_key=True)
    tag = sa.Column(sa.String(255), primary_key=True)
    resource_type = sa.Column(sa.String(32), nullable=False)


class Taggable:
    """A resource with tags: ``tag_rows`` loads them with the resource."""

    @orm.declared_attr
    def tag_rows(cls):
        return orm.relationship(
            Tag, primaryjoin=lambda: orm.foreign(Tag.resource_id) == cls.id,
            lazy='selectin', viewonly=True, order_by=Tag.tag)


class Network(StandardAttrs, Taggable, Base):
    __tablename__ = 'networks'
    id = _id()
    project_id = _project()
    name = sa.Column(sa.String(255), nullable=False, default='')
    status = sa.Column(sa.String(16), nullable=False, default='ACTIVE')
    admin_state_up = sa.Column(sa.Boolean, nullable=False, default=True)
    shared = sa.Column(sa.Boolean, nullable=False, default=False)
    external = sa.Column(sa.Boolean, nullable=False, default=False)
    is_default = sa.Column(sa.Boolean, nullable=False, default=False)
    mtu = sa.Column(sa.Integer, nullable=False)
    port_security_enabled = sa.Column(sa.Boolean, nullable=False, default=True)
    qos_policy_id = sa.Column(sa.String(36))
    segments = orm.relationship('NetworkSegment', lazy='selectin',
                                order_by='NetworkSegment.segment_index',
                                cascade='all, delete-orphan')
    subnets = orm.relationship('Subnet', lazy='selectin', viewonly=True)


class NetworkSegment(Base):
    """A network's L2 segment. The composite unique key makes two networks
    unable to hold the same VLAN/VNI/flat physnet even across conductors."""
    __tablename__ = 'network_segments'
    __table_args__ = (sa.UniqueConstraint('network_type', 'physical_network',
                                          'segmentation_id', name='uq_segment_allocation'),)
    id = _id()
    network_id = sa.Column(sa.String(36), sa.ForeignKey('networks.id', ondelete='CASCADE'),
                           nullable=False, index=True)
    network_type = sa.Column(sa.String(32), nullable=False)
    # '' and 0 stand for "none" so the unique key also covers flat networks.
    physical_network = sa.Column(sa.String(64), nullable=False, default='')
    segmentation_id = sa.Column(sa.Integer, nullable=False, default=0)
    segment_index = sa.Column(sa.Integer, nullable=False, default=0)
    # The ``segment`` resource's own attributes.
    name = sa.Column(sa.String(255), nullable=False, default='')
    description = sa.Column(sa.String(255), nullable=False, default='')
    created_at = sa.Column(sa.DateTime, nullable=False, default=timeutils.utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=timeutils.utcnow,
                           onupdate=timeutils.utcnow)
    revision_number = sa.Column(sa.BigInteger, nullable=False, default=0)


class SubnetPool(StandardAttrs, Taggable, Base):
    __tablename__ = 'subnetpools'
    id = _id()
    project_id = _project()
    name = sa.Column(sa.String(255), nullable=False, default='')
    ip_version = sa.Column(sa.Integer, nullable=False)
    default_prefixlen = sa.Column(sa.Integer, nullable=False)
    min_prefixlen = sa.Column(sa.Integer, nullable=False)
    max_prefixlen = sa.Column(sa.Integer, nullable=False)
    shared = sa.Column(sa.Boolean, nullable=False, default=False)
    is_default = sa.Column(sa.Boolean, nullable=False, default=False)
    default_quota = sa.Column(sa.Integer)
    address_scope_id = sa.Column(sa.String(36))
    prefixes = orm.relationship('SubnetPoolPrefix', lazy='selectin',
                                cascade='all, delete-orphan')


class SubnetPoolPrefix(Base):
    __tablename__ = 'subnetpool_prefixes'
    subnetpool_id = sa.Column(sa.String(36), sa.ForeignKey('subnetpools.id', ondelete='CASCADE'),
                              primary_key=True)
    cidr = sa.Column(sa.String(64), primary_key=True)


class Subnet(StandardAttrs, Taggable, Base):
    __tablename__ = 'subnets'
    id = _id()
    project_id = _project()
    name = sa.Column(sa.String(255), nullable=False, default='')
    network_id = sa.Column(sa.String(36), sa.ForeignKey('networks.id'), nullable=False,
                           index=True)
    subnetpool_id = sa.Column(sa.String(36), sa.ForeignKey('subnetpools.id'))
    ip_version = sa.Column(sa.Integer, nullable=False)
    cidr = sa.Column(sa.String(64), nullable=False)
    gateway_ip = sa.Column(sa.String(64))
    enable_dhcp = sa.Column(sa.Boolean, nullable=False, default=True)
    ipv6_ra_mode = sa.Column(sa.String(16))
    ipv6_address_mode = sa.Column(sa.String(16))
    dns_nameservers = sa.Column(sa.JSON, nullable=False, default=list)
    host_routes = sa.Column(sa.JSON, nullable=False, default=list)
    allocation_pools = orm.relationship('AllocationPool', lazy='selectin',
                                        cascade='all, delete-orphan',
                                        order_by='AllocationPool.position')


class AllocationPool(Base):
    __tablename__ = 'allocation_pools'
    id = _id()
    subnet_id = sa.Column(sa.String(36), sa.ForeignKey('subnets.id', ondelete='CASCADE'),
                          nullable=False, index=True)
    first_ip = sa.Column(sa.String(64), nullable=False)
    last_ip = sa.Column(sa.String(64), nullable=False)
    position = sa.Column(sa.Integer, nullable=False, default=0)


class Port(StandardAttrs, Taggable, Base):
    __tablename__ = 'ports'
    __table_args__ = (sa.UniqueConstraint('network_id', 'mac_address',
                                          name='uq_ports_network_mac'),)
    id = _id()
    project_id = _project()
    name = sa.Column(sa.String(255), nullable=False, default='')
    network_id = sa.Column(sa.String(36), sa.ForeignKey('networks.id'), nullable=False,
                           index=True)
    mac_address = sa.Column(sa.String(32), nullable=False)
    admin_state_up = sa.Column(sa.Boolean, nullable=False, default=True)
    status = sa.Column(sa.String(16), nullable=False, default='DOWN')
    device_id = sa.Column(sa.String(255), nullable=False, default='', index=True)
    device_owner = sa.Column(sa.String(255), nullable=False, default='')
    port_security_enabled = sa.Column(sa.Boolean, nullable=False, default=True)
    binding_host_id = sa.Column(sa.String(255), nullable=False, default='')
    binding_vnic_type = sa.Column(sa.String(64), nullable=False, default='normal')
    binding_profile = sa.Column(sa.JSON, nullable=False, default=dict)
    binding_vif_type = sa.Column(sa.String(64), nullable=False, default='unbound')
    binding_vif_details = sa.Column(sa.JSON, nullable=False, default=dict)
    allowed_address_pairs = sa.Column(sa.JSON, nullable=False, default=list)
    extra_dhcp_opts = sa.Column(sa.JSON, nullable=False, default=list)
    qos_policy_id = sa.Column(sa.String(36))
    fixed_ips = orm.relationship('IPAllocation', lazy='selectin',
                                 cascade='all, delete-orphan',
                                 order_by='IPAllocation.position')
    security_groups = orm.relationship('PortSecurityGroup', lazy='selectin',
                                       cascade='all, delete-orphan')


class IPAllocation(Base):
    """One fixed IP. The primary key is what makes double allocation impossible:
    two writers picking the same free address collide here and one retries."""
    __tablename__ = 'ip_allocations'
    subnet_id = sa.Column(sa.String(36), sa.ForeignKey('subnets.id'), primary_key=True)
    ip_address = sa.Column(sa.String(64), primary_key=True)
    port_id = sa.Column(sa.String(36), sa.ForeignKey('ports.id', ondelete='CASCADE'),
                        nullable=False, index=True)
    network_id = sa.Column(sa.String(36), nullable=False, index=True)
    position = sa.Column(sa.Integer, nullable=False, default=0)


class SecurityGroup(StandardAttrs, Taggable, Base):
    __tablename__ = 'securitygroups'
    id = _id()
    project_id = _project()
    name = sa.Column(sa.String(255), nullable=False, default='')
    stateful = sa.Column(sa.Boolean, nullable=False, default=True)
    rules = orm.relationship('SecurityGroupRule', lazy='selectin',
                             cascade='all, delete-orphan',
                             foreign_keys='SecurityGroupRule.security_group_id')


class DefaultSecurityGroup(Base):
    """One row per project: the key stops two writers creating two defaults."""
    __tablename__ = 'default_security_groups'
    project_id = sa.Column(sa.String(255), primary_key=True)
    security_group_id = sa.Column(sa.String(36),
                                  sa.ForeignKey('securitygroups.id', ondelete='CASCADE'),
                                  nullable=False)


class SecurityGroupRule(StandardAttrs, Base):
    __tablename__ = 'securitygrouprules'
    id = _id()
    project_id = _project()
    security_group_id = sa.Column(sa.String(36),
                                  sa.ForeignKey('securitygroups.id', ondelete='CASCADE'),
                                  nullable=False, index=True)
    remote_group_id = sa.Column(sa.String(36),
                                sa.ForeignKey('securitygroups.id', ondelete='CASCADE'))
    direction = sa.Column(sa.String(8), nullable=False)
    ethertype = sa.Column(sa.String(8), nullable=False)
    protocol = sa.Column(sa.String(40))
    port_range_min = sa.Column(sa.Integer)
    port_range_max = sa.Column(sa.Integer)
    remote_ip_prefix = sa.Column(sa.String(255))


class PortSecurityGroup(Base):
    __tablename__ = 'port_security_groups'
    port_id = sa.Column(sa.String(36), sa.ForeignKey('ports.id', ondelete='CASCADE'),
                        primary_key=True)
    security_group_id = sa.Column(sa.String(36), sa.ForeignKey('securitygroups.id'),
                                  primary_key=True, index=True)


class Router(StandardAttrs, Taggable, Base):
    __tablename__ = 'routers'
    id = _id()
    project_id = _project()
    name = sa.Column(sa.String(255), nullable=False, default='')
    status = sa.Column(sa.String(16), nullable=False, default='ACTIVE')
    admin_state_up = sa.Column(sa.Boolean, nullable=False, default=True)
    gw_port_id = sa.Column(sa.String(36), sa.ForeignKey('ports.id'))
    enable_snat = sa.Column(sa.Boolean, nullable=False, default=True)
    routes = sa.Column(sa.JSON, nullable=False, default=list)
    gw_port = orm.relationship('Port', lazy='selectin', foreign_keys=[gw_port_id])


class FloatingIP(StandardAttrs, Taggable, Base):
    __tablename__ = 'floatingips'
    __table_args__ = (sa.UniqueConstraint('fixed_port_id', 'fixed_ip_address',
                                          'floating_network_id',
                                          name='uq_floatingips_fixed'),)
    id = _id()
    project_id = _project()
    floating_network_id = sa.Column(sa.String(36), sa.ForeignKey('networks.id'),
                                    nullable=False)
    floating_ip_address = sa.Column(sa.String(64), nullable=False)
    floating_port_id = sa.Column(sa.String(36), sa.ForeignKey('ports.id', ondelete='CASCADE'),
                                 nullable=False)
    fixed_port_id = sa.Column(sa.String(36), sa.ForeignKey('ports.id'))
    fixed_ip_address = sa.Column(sa.String(64))
    router_id = sa.Column(sa.String(36), sa.ForeignKey('routers.id'))
    status = sa.Column(sa.String(16), nullable=False, default='DOWN')


class Quota(Base):
    __tablename__ = 'quotas'
    project_id = sa.Column(sa.String(255), primary_key=True)
    resource = sa.Column(sa.String(64), primary_key=True)
    limit = sa.Column('hard_limit', sa.Integer, nullable=False)


class Agent(Base):
    __tablename__ = 'agents'
    __table_args__ = (sa.UniqueConstraint('agent_type', 'host', name='uq_agents_type_host'),)
    id = _id()
    agent_type = sa.Column(sa.String(255), nullable=False)
    binary = sa.Column(sa.String(255), nullable=False)
    topic = sa.Column(sa.String(255), nullable=False)
    host = sa.Column(sa.String(255), nullable=False)
    availability_zone = sa.Column(sa.String(255))
    admin_state_up = sa.Column(sa.Boolean, nullable=False, default=True)
    created_at = sa.Column(sa.DateTime, nullable=False)
    started_at = sa.Column(sa.DateTime, nullable=False)
    heartbeat_timestamp = sa.Column(sa.DateTime, nullable=False)
    description = sa.Column(sa.String(255))
    configurations = sa.Column(sa.JSON, nullable=False, default=dict)
    resources_synced = sa.Column(sa.Boolean)


class MeteringLabel(Base):
    __tablename__ = 'meteringlabels'
    id = _id()
    project_id = _project()
    name = sa.Column(sa.String(255), nullable=False, default='')
    description = sa.Column(sa.String(1024), nullable=False, default='')
    shared = sa.Column(sa.Boolean, nullable=False, default=False)
    rules = orm.relationship('MeteringLabelRule', lazy='selectin',
                             cascade='all, delete-orphan')


class MeteringLabelRule(Base):
    __tablename__ = 'meteringlabelrules'
    id = _id()
    metering_label_id = sa.Column(sa.String(36),
                                  sa.ForeignKey('meteringlabels.id', ondelete='CASCADE'),
                                  nullable=False, index=True)
    direction = sa.Column(sa.String(8), nullable=False)
    excluded = sa.Column(sa.Boolean, nullable=False, default=False)
    remote_ip_prefix = sa.Column(sa.String(64))
    source_ip_prefix = sa.Column(sa.String(64))
    destination_ip_prefix = sa.Column(sa.String(64))


class NetworkRBAC(Base):
    """Who else may use a network: ``access_as_shared`` (ports, subnets) or
    ``access_as_external`` (gateways, floating IPs), for one project or
    ``*``. The ``*`` rows mirror the network's ``shared``/``external`` flags."""
    __tablename__ = 'networkrbacs'
    __table_args__ = (sa.UniqueConstraint('object_id', 'target_project', 'action',
                                          name='uq_networkrbacs_object_target_action'),)
    id = _id()
    project_id = _project()
    object_id = sa.Column(sa.String(36), sa.ForeignKey('networks.id', ondelete='CASCADE'),
                          nullable=False, index=True)
    target_project = sa.Column(sa.String(255), nullable=False, index=True)
    action = sa.Column(sa.String(32), nullable=False)


class AddressScope(Base):
    __tablename__ = 'address_scopes'
    id = _id()
    project_id = _project()
    name = sa.Column(sa.String(255), nullable=False, default='')
    ip_version = sa.Column(sa.Integer, nullable=False)
    shared = sa.Column(sa.Boolean, nullable=False, default=False)


class QosPolicy(StandardAttrs, Taggable, Base):
    __tablename__ = 'qos_policies'
    id = _id()
    project_id = _project()
    name = sa.Column(sa.String(255), nullable=False, default='')
    shared = sa.Column(sa.Boolean, nullable=False, default=False)
    is_default = sa.Column(sa.Boolean, nullable=False, default=False)
    rules = orm.relationship('QosRule', lazy='selectin', cascade='all, delete-orphan',
                             order_by='QosRule.rule_type')


class QosRule(Base):
    """A rule of any type; the columns a type does not use stay null."""
    __tablename__ = 'qos_rules'
    id = _id()
    qos_policy_id = sa.Column(sa.String(36),
                              sa.ForeignKey('qos_policies.id', ondelete='CASCADE'),
                              nullable=False, index=True)
    rule_type = sa.Column(sa.String(32), nullable=False)
    direction = sa.Column(sa.String(8))
    max_kbps = sa.Column(sa.Integer)
    max_burst_kbps = sa.Column(sa.Integer)
    dscp_mark = sa.Column(sa.Integer)
    min_kbps = sa.Column(sa.Integer)


class Trunk(StandardAttrs, Taggable, Base):
    """A trunk (``trunk`` extension): a parent port carrying VLAN subports.
    One trunk per parent port (the unique key)."""
    __tablename__ = 'trunks'
    id = _id()
    project_id = _project()
    name = sa.Column(sa.String(255), nullable=False, default='')
    admin_state_up = sa.Column(sa.Boolean, nullable=False, default=True)
    port_id = sa.Column(sa.String(36), sa.ForeignKey('ports.id'), nullable=False,
                        unique=True)
    sub_ports = orm.relationship('TrunkSubport', lazy='selectin',
                                 cascade='all, delete-orphan',
                                 order_by='TrunkSubport.segmentation_id')
    port = orm.relationship('Port', lazy='selectin', viewonly=True)


class TrunkSubport(Base):
    """A port on a trunk with its VLAN; a port is a subport of one trunk at
    most, and a trunk's VLANs are unique."""
    __tablename__ = 'trunk_subports'
    __table_args__ = (sa.UniqueConstraint('trunk_id', 'segmentation_type', 'segmentation_id',
                                          name='uq_trunk_subports_trunk_segmentation'),)
    port_id = sa.Column(sa.String(36), sa.ForeignKey('ports.id'), primary_key=True)
    trunk_id = sa.Column(sa.String(36), sa.ForeignKey('trunks.id', ondelete='CASCADE'),
                         nullable=False, index=True)
    segmentation_type = sa.Column(sa.String(32), nullable=False)
    segmentation_id = sa.Column(sa.Integer, nullable=False)


class AutoAllocatedTopology(Base):
    """The network and router ``GET /v2.0/auto-allocated-topology/{project}``
    made for a project (one per project); the row goes with its network."""
    __tablename__ = 'auto_allocated_topologies'
    project_id = sa.Column(sa.String(255), primary_key=True)
    network_id = sa.Column(sa.String(36), sa.ForeignKey('networks.id', ondelete='CASCADE'),
                           nullable=False)
    router_id = sa.Column(sa.String(36), sa.ForeignKey('routers.id', ondelete='SET NULL'),
                          nullable=True)


class RouterL3AgentBinding(Base):
    """The L3 agent that serves a router (one: no HA routers); the row goes
    with its router or its agent."""
    __tablename__ = 'router_l3_agent_bindings'
    router_id = sa.Column(sa.String(36), sa.ForeignKey('routers.id', ondelete='CASCADE'),
                          primary_key=True)
    l3_agent_id = sa.Column(sa.String(36), sa.ForeignKey('agents.id', ondelete='CASCADE'),
                            primary_key=True)


class NetworkDhcpAgentBinding(Base):
    """A DHCP agent that serves a network (``dhcp_agents_per_network`` of them)."""
    __tablename__ = 'networkdhcpagentbindings'
    network_id = sa.Column(sa.String(36), sa.ForeignKey('networks.id', ondelete='CASCADE'),
                           primary_key=True)
    dhcp_agent_id = sa.Column(sa.String(36), sa.ForeignKey('agents.id', ondelete='CASCADE'),
                              primary_key=True)
