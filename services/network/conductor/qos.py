"""QoS policies and their rules (bandwidth limit, DSCP marking, minimum
bandwidth): the API; no agent enforces them yet."""

from oslo_utils import uuidutils

from services.network import exception
from services.network.conductor import queries
from services.network.db import models

_Policy, _Rule = models.QosPolicy, models.QosRule
POLICY_COLUMNS = queries.standard_columns(_Policy, 'shared', 'is_default')
RULE_COLUMNS = {'id': _Rule.id, 'qos_policy_id': _Rule.qos_policy_id, 'type': _Rule.rule_type,
                'direction': _Rule.direction, 'max_kbps': _Rule.max_kbps,
                'max_burst_kbps': _Rule.max_burst_kbps, 'dscp_mark': _Rule.dscp_mark,
                'min_kbps': _Rule.min_kbps}
#: rule type -> (its attributes, directions it takes)
RULE_TYPES = {
    'bandwidth_limit': (('max_kbps', 'max_burst_kbps', 'direction'), ('egress', 'ingress')),
    'dscp_marking': (('dscp_mark',), ()),
    'minimum_bandwidth': (('min_kbps', 'direction'), ('egress', 'ingress')),
}
DSCP_MARKS = (0, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 46, 48, 56)


def rule_dict(rule):
    attrs, _ = RULE_TYPES[rule.rule_type]
    result = {'id': rule.id, 'qos_policy_id': rule.qos_policy_id, 'type': rule.rule_type}
    result.update({a: getattr(rule, a) for a in attrs})
    return result


def make_dict(policy):
    result = queries.standard_dict(policy)
    result.update({'name': policy.name, 'shared': policy.shared,
                   'is_default': policy.is_default,
                   'rules': [rule_dict(r) for r in policy.rules]})
    return result


POLICIES = queries.Visible(
    _Policy, lambda i: exception.QosPolicyNotFound(policy_id=i), make_dict, POLICY_COLUMNS,
    shared=_Policy.shared.is_(True))
# A rule is found where its policy is.
RULES = queries.Visible(_Rule, lambda i: exception.QosRuleNotFound(rule_id=i), rule_dict,
                        RULE_COLUMNS, through=(_Rule.qos_policy_id, POLICIES))


def _check_default(session, project_id, policy_id=None):
    other = session.query(_Policy.id).filter(_Policy.project_id == project_id,
                                             _Policy.is_default.is_(True),
                                             _Policy.id != policy_id).first()
    if other:
        raise exception.QoSPolicyDefaultAlreadyExists(project_id=project_id)


def create(context, session, body):
    project_id = queries.new_project(context, body)
    if body.get('is_default'):
        _check_default(session, project_id)
    policy = _Policy(id=uuidutils.generate_uuid(), project_id=project_id,
                     name=body.get('name', ''), description=body.get('description', ''),
                     shared=body.get('shared', False),
                     is_default=body.get('is_default', False), revision_number=1)
    session.add(policy)
    session.flush()
    return make_dict(policy)


def update(context, session, policy_id, body):
    policy = POLICIES.get_row(context, session, policy_id)
    if body.get('is_default'):
        _check_default(session, policy.project_id, policy.id)
    queries.bump(policy, {k: body[k] for k in ('name', 'description', 'shared', 'is_default')
                          if k in body})
    session.flush()
    return make_dict(policy)


def delete(context, session, policy_id):
    policy = POLICIES.get_row(context, session, policy_id)
    for model, kind in ((models.Port, 'port'), (models.Network, 'network')):
        user = session.query(model.id).filter(model.qos_policy_id == policy.id).first()
        if user:
            raise exception.QosPolicyInUse(policy_id=policy.id, object_type=kind,
                                           object_id=user[0])
    session.delete(policy)
    return {'id': policy_id}


def check_attach(context, session, policy_id, project_id):
    """``policy_id`` as a port's or network's QoS policy: one the caller sees
    that is the resource's project's or shared (``None`` detaches)."""
    if policy_id is None:
        return None
    policy = POLICIES.get_row(context, session, policy_id)
    if not (policy.shared or policy.project_id == project_id or queries.is_admin(context)):
        raise exception.QosPolicyNotFound(policy_id=policy_id)
    return policy.id


# -- rules ------------------------------------------------------------------

def _values(rule_type, body, rule=None):
    attrs, directions = RULE_TYPES[rule_type]
    values = {a: body[a] for a in attrs if a in body}
    if 'direction' in attrs:
        values.setdefault('direction', rule.direction if rule else 'egress')
        if values['direction'] not in directions:
            raise exception.InvalidInput(error_message='Invalid direction %s'
                                         % values['direction'])
    if rule_type == 'dscp_marking' and 'dscp_mark' in values and \
            values['dscp_mark'] not in DSCP_MARKS:
        raise exception.InvalidInput(error_message='Invalid DSCP mark %s: one of %s'
                                     % (values['dscp_mark'], list(DSCP_MARKS)))
    return values


def _check_unique(session, policy, rule_type, direction, rule_id=None):
    for other in policy.rules:
        if other.id != rule_id and other.rule_type == rule_type and (
                other.direction or None) == (direction or None):
            raise exception.QoSRulesConflict(policy_id=policy.id, rule_type=rule_type)


def create_rule(context, session, body):
    policy = POLICIES.get_row(context, session, body['qos_policy_id'])
    rule_type = body['type']
    values = _values(rule_type, body)
    required = {'bandwidth_limit': (), 'dscp_marking': ('dscp_mark',),
                'minimum_bandwidth': ('min_kbps',)}[rule_type]
    missing = [a for a in required if values.get(a) is None]
    if missing:
        raise exception.InvalidInput(error_message='%s is required' % missing[0])
    _check_unique(session, policy, rule_type, values.get('direction'))
    rule = _Rule(id=uuidutils.generate_uuid(), qos_policy_id=policy.id, rule_type=rule_type,
                 **values)
    session.add(rule)
    policy.revision_number += 1
    session.flush()
    session.refresh(policy)
    return rule_dict(rule)


def update_rule(context, session, rule_id, body):
    rule = RULES.get_row(context, session, rule_id)
    values = _values(rule.rule_type, body, rule)
    policy = session.get(_Policy, rule.qos_policy_id)
    _check_unique(session, policy, rule.rule_type, values.get('direction', rule.direction),
                  rule.id)
    for key, value in values.items():
        setattr(rule, key, value)
    policy.revision_number += 1
    session.flush()
    return rule_dict(rule)


def delete_rule(context, session, rule_id):
    rule = RULES.get_row(context, session, rule_id)
    session.get(_Policy, rule.qos_policy_id).revision_number += 1
    session.delete(rule)
    return {'id': rule_id}
