"""Metering labels and their rules (the API; no agent meters traffic yet)."""

import netaddr
from oslo_utils import uuidutils

from services.network import exception
from services.network.conductor import queries
from services.network.db import models

LABEL_COLUMNS = {'id': models.MeteringLabel.id, 'name': models.MeteringLabel.name,
                 'description': models.MeteringLabel.description,
                 'shared': models.MeteringLabel.shared,
                 'project_id': models.MeteringLabel.project_id,
                 'tenant_id': models.MeteringLabel.project_id}
_Rule = models.MeteringLabelRule
RULE_COLUMNS = {'id': _Rule.id, 'metering_label_id': _Rule.metering_label_id,
                'direction': _Rule.direction, 'excluded': _Rule.excluded,
                'remote_ip_prefix': _Rule.remote_ip_prefix,
                'source_ip_prefix': _Rule.source_ip_prefix,
                'destination_ip_prefix': _Rule.destination_ip_prefix}
PREFIXES = ('remote_ip_prefix', 'source_ip_prefix', 'destination_ip_prefix')


def label_dict(label):
    return {'id': label.id, 'name': label.name, 'description': label.description,
            'shared': label.shared, 'project_id': label.project_id,
            'tenant_id': label.project_id}


def rule_dict(rule):
    return {'id': rule.id, 'metering_label_id': rule.metering_label_id,
            'direction': rule.direction, 'excluded': rule.excluded,
            'remote_ip_prefix': rule.remote_ip_prefix,
            'source_ip_prefix': rule.source_ip_prefix,
            'destination_ip_prefix': rule.destination_ip_prefix}


LABELS = queries.Visible(
    models.MeteringLabel, lambda i: exception.MeteringLabelNotFound(label_id=i), label_dict,
    LABEL_COLUMNS, shared=models.MeteringLabel.shared.is_(True))
# A rule is found where its label is.
RULES = queries.Visible(_Rule, lambda i: exception.MeteringLabelRuleNotFound(rule_id=i),
                        rule_dict, RULE_COLUMNS, through=(_Rule.metering_label_id, LABELS))


def create_label(context, session, body):
    label = models.MeteringLabel(
        id=uuidutils.generate_uuid(), project_id=queries.new_project(context, body),
        name=body.get('name', ''), description=body.get('description', ''),
        shared=body.get('shared', False))
    session.add(label)
    session.flush()
    return label_dict(label)


def delete_label(context, session, label_id):
    session.delete(LABELS.get_row(context, session, label_id))
    return {'id': label_id}


def _prefix(body, key):
    value = body.get(key)
    if value is None:
        return None
    try:
        return str(netaddr.IPNetwork(value).cidr)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise exception.InvalidInput(error_message="'%s' is not a valid IP subnet for %s"
                                     % (value, key))


def create_rule(context, session, body):
    label = LABELS.get_row(context, session, body['metering_label_id'])
    prefixes = {key: _prefix(body, key) for key in PREFIXES}
    if prefixes['remote_ip_prefix'] and (prefixes['source_ip_prefix']
                                         or prefixes['destination_ip_prefix']):
        raise exception.InvalidInput(error_message="Cannot use 'remote-ip-prefix' in "
                                     "conjunction with 'source-ip-prefix' or "
                                     "'destination-ip-prefix'")
    if not any(prefixes.values()):
        raise exception.InvalidInput(error_message="You must define at least one of the "
                                     "following parameters 'remote_ip_prefix', or "
                                     "'source_ip_prefix' or 'destination_ip_prefix'")
    direction, excluded = body['direction'], body.get('excluded', False)
    for other in label.rules:
        if other.direction != direction or other.excluded != excluded:
            continue
        for key in PREFIXES:
            mine, theirs = prefixes[key], getattr(other, key)
            if mine and theirs and (netaddr.IPSet([mine]) & netaddr.IPSet([theirs])):
                raise exception.MeteringLabelRuleOverlaps(remote_ip_prefix=mine)
    rule = _Rule(id=uuidutils.generate_uuid(), metering_label_id=label.id,
                 direction=direction, excluded=excluded, **prefixes)
    session.add(rule)
    session.flush()
    return rule_dict(rule)


def delete_rule(context, session, rule_id):
    session.delete(RULES.get_row(context, session, rule_id))
    return {'id': rule_id}
