"""``[DEFAULT]`` options of a compute host waiting for events of other
services (nova's names and defaults): the network service reporting a new
guest's ports wired, the volume service reporting a root volume
reimaged."""

from oslo_config import cfg

opts = [
    cfg.IntOpt('vif_plugging_timeout', default=300, min=0,
               help='Seconds a build waits for the network service to report '
                    'each port of the new guest wired (a network-vif-plugged '
                    'event through os-server-external-events) before it resumes '
                    'the guest and calls the server ACTIVE. 0 does not wait. '
                    'Only ports a driver plugs where a network agent watches '
                    'are waited for: the libvirt driver\'s NICs on an Open '
                    'vSwitch bridge, and the fake driver\'s when '
                    '[compute] fake_wait_for_vif_plugged is set.'),
    cfg.BoolOpt('vif_plugging_is_fatal', default=True,
                help='Fail the build (server ERROR, ports and guest removed) '
                     'when vif_plugging_timeout passes without the events; '
                     'false boots the guest anyway.'),
    cfg.IntOpt('reimage_timeout_per_gb', default=60, min=1,
               help='Seconds per GiB of the image (at least one) a rebuild of '
                    'a volume-backed server (2.93) waits for the volume service '
                    'to report its root volume reimaged (a volume-reimaged event '
                    'through os-server-external-events); then the server is '
                    'ERROR.'),
]


def register_opts(conf):
    conf.register_opts(opts)


def list_opts():
    return [('DEFAULT', opts)]
