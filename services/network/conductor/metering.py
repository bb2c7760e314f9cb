"""Metering labels and their rules (the API; no agent meters traffic yet)."""

import netaddr
from oslo_utils import uuidutils
import sqlalchemy as sa

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


def _labels(context, session):
    query = session.query(models.MeteringLabel)
    if queries.is_admin(context):
        return query
    return query.filter((models.MeteringLabel.project_id == context.project_id)
                        | models.MeteringLabel.shared.is_(True))


def get_label_row(context, session, label_id):
    label = _labels(context, session).filter(models.MeteringLabel.id == label_id).first()
    if label is None:
        raise exception.MeteringLabelNotFound(label_id=label_id)
    return label


def get_label(context, session, label_id):
    return label_dict(get_label_row(context, session, label_id))


def get_labels(context, session, filters=None, **page):
    rows = queries.list_rows(_labels(context, session), models.MeteringLabel,
                             LABEL_COLUMNS, filters, **page)
    return [label_dict(r) for r in rows]


def create_label(context, session, body):
    label = models.MeteringLabel(
        id=uuidutils.generate_uuid(), project_id=queries.new_project(context, body),
        name=body.get('name', ''), description=body.get('description', ''),
        shared=body.get('shared', False))
    session.add(label)
    session.flush()
    return label_dict(label)


def delete_label(context, session, label_id):
    session.delete(get_label_row(context, session, label_id))
    return {'id': label_id}


def _rules(context, session):
    labels = _labels(context, session).with_entities(models.MeteringLabel.id).subquery()
    return session.query(_Rule).filter(_Rule.metering_label_id.in_(sa.select(labels.c.id)))


def get_rule_row(context, session, rule_id):
    rule = _rules(context, session).filter(_Rule.id == rule_id).first()
    if rule is None:
        raise exception.MeteringLabelRuleNotFound(rule_id=rule_id)
    return rule


def get_rule(context, session, rule_id):
    return rule_dict(get_rule_row(context, session, rule_id))


def get_rules(context, session, filters=None, **page):
    rows = queries.list_rows(_rules(context, session), _Rule, RULE_COLUMNS, filters, **page)
    return [rule_dict(r) for r in rows]


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
    label = get_label_row(context, session, body['metering_label_id'])
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
    session.delete(get_rule_row(context, session, rule_id))
    return {'id': rule_id}
