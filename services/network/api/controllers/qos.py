"""``/v2.0/qos/policies`` with their rules below them
(``/v2.0/qos/policies/{id}/<type>_rules[/{rule_id}]``), and
``/v2.0/qos/rule-types``."""

import pecan
from pecan import rest

from services.network import exception
from services.network.api import views
from services.network.api.controllers import base

#: URL segment -> rule type.
RULE_PATHS = {'bandwidth_limit_rules': 'bandwidth_limit',
              'dscp_marking_rules': 'dscp_marking',
              'minimum_bandwidth_rules': 'minimum_bandwidth'}


class QosPoliciesController(base.ResourceController):
    resource, collection = 'policy', 'policies'
    taggable = True

    def _is_rule_path(self, rest_of_path):
        return bool(rest_of_path) and rest_of_path[0] in RULE_PATHS and \
            len(rest_of_path) <= 2

    def _rule(self, policy_id, rest_of_path):
        """One beat per verb: fetch the policy, enforce the rule's policy on
        the QoS policy, call the conductor, shape."""
        request = pecan.request
        conductor, context = request.conductor, request.context
        rule_type = RULE_PATHS[rest_of_path[0]]
        key = '%s_rule' % rule_type
        action_resource = 'policy_%s_rule' % rule_type
        rule_id = rest_of_path[1] if len(rest_of_path) == 2 else None
        policy = self._fetch(policy_id)
        target = self._target(policy)
        verb = request.method
        action = {'GET': 'get', 'POST': 'create', 'PUT': 'update', 'DELETE': 'delete'}[verb]
        if (verb == 'POST') == (rule_id is not None) and verb != 'GET':
            raise base.method_not_allowed(*(('GET', 'PUT', 'DELETE') if rule_id
                                            else ('GET', 'POST')))
        if not base.authorize('%s_%s' % (action, action_resource), target, do_raise=False):
            if not base.authorize('get_policy', target, do_raise=False):
                raise self._not_found(policy_id)
            raise exception.PolicyNotAuthorized(action='%s_%s' % (action, action_resource))
        if verb == 'GET' and rule_id is None:
            rules = conductor.list_resources_compact(
                context, 'qos_rule', filters={'qos_policy_id': [policy_id],
                                              'type': [rule_type]}).items()
            return {key + 's': [_shape(r) for r in rules]}
        if rule_id is not None:
            rule = conductor.get_resource(context, 'qos_rule', rule_id)
            if rule['qos_policy_id'] != policy_id or rule['type'] != rule_type:
                raise exception.QosRuleNotFound(rule_id=rule_id)
        if verb == 'GET':
            return {key: _shape(rule)}
        if verb == 'DELETE':
            conductor.delete_resource(context, 'qos_rule', rule_id)
            return views.no_content()
        body = base.parse_body(key, verb == 'POST')
        if verb == 'POST':
            body.update(qos_policy_id=policy_id, type=rule_type)
            pecan.response.status = 201
            return {key: _shape(conductor.create_resource(context, 'qos_rule', body))}
        return {key: _shape(conductor.update_resource(context, 'qos_rule', rule_id, body))}

    @pecan.expose('json')
    def get_one(self, resource_id, *rest_of_path):
        if self._is_rule_path(rest_of_path):
            return self._rule(resource_id, rest_of_path)
        return super().get_one(resource_id, *rest_of_path)

    @pecan.expose('json')
    def post(self, *args):
        if len(args) == 2 and args[1] in RULE_PATHS:
            return self._rule(args[0], args[1:])
        return super().post(*args)

    @pecan.expose('json')
    def put(self, resource_id=None, *rest_of_path):
        if resource_id is not None and self._is_rule_path(rest_of_path):
            return self._rule(resource_id, rest_of_path)
        return super().put(resource_id, *rest_of_path)

    @pecan.expose('json')
    def delete(self, resource_id=None, *rest_of_path):
        if resource_id is not None and self._is_rule_path(rest_of_path):
            return self._rule(resource_id, rest_of_path)
        return super().delete(resource_id, *rest_of_path)


def _shape(rule):
    """A rule as its own sub-resource shows it (the type is in the URL)."""
    return {k: v for k, v in rule.items() if k not in ('type', 'qos_policy_id')}


class RuleTypesController(rest.RestController):

    @pecan.expose('json')
    def get_all(self):
        base.authorize('get_rule_type', None)
        base.list_params(pecan.request)
        return {'rule_types': [{'type': t} for t in sorted(RULE_PATHS.values())]}

    @pecan.expose('json')
    def get_one(self, rule_type):
        base.authorize('get_rule_type', None)
        if rule_type not in RULE_PATHS.values():
            raise exception.ResourceNotFound()
        return {'rule_type': {'type': rule_type, 'drivers': []}}


class QosController:
    policies = QosPoliciesController()


setattr(QosController, 'rule-types', RuleTypesController())
