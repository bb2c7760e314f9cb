"""Server actions that reach into the guest or its network info:
``changePassword`` (the compute host's driver sets the password, a call so
its refusal reaches the caller) and ``injectNetworkInfo`` (admin: the host
refreshes the server's network info from the network service)."""

from common import rpc
from services.compute import exception
from services.compute.compute import rpcapi as compute_rpcapi
from services.compute.objects import instance as inst_obj
from services.compute.objects import instance_action as action_obj


def _compute():
    client = compute_rpcapi.ComputeAPI()
    rpc.require_version(client.client, '1.8', 'compute')
    return client


def _change_password(req, instance, body):
    compute = _compute()
    if instance.vm_state != inst_obj.ACTIVE or instance.task_state is not None:
        attr, state = ('vm_state', instance.vm_state) if instance.vm_state != \
            inst_obj.ACTIVE else ('task_state', instance.task_state)
        raise exception.InstanceInvalidState(action='changePassword',
                                             instance_uuid=instance.uuid, attr=attr,
                                             state=state)
    instance.task_state = 'updating_password'
    try:
        instance.save(expected_task_state=[None])
    except exception.InstanceInvalidState:
        raise exception.InstanceInvalidState(action='changePassword',
                                             instance_uuid=instance.uuid,
                                             attr='task_state', state='changing')
    action_obj.InstanceAction.action_start(req.context, instance.uuid, 'changePassword')
    compute.set_admin_password(req.context, instance.host, instance.uuid, body['adminPass'])


def _inject_network_info(req, instance, body):
    _compute().inject_network_info(req.context, instance.host, instance.uuid)


#: action -> (handler, policy rule), merged into server_actions.ACTIONS
ACTIONS = {
    'changePassword': (_change_password, 'os-admin-password'),
    'injectNetworkInfo': (_inject_network_info, 'os-admin-actions:inject_network_info'),
}
