"""Flavor extra spec validation (microversion 2.86).

From 2.86 a flavor extra spec is checked when it is created or updated:

* a key in a namespace nova validates (``hw``, ``hw_rng``, ``hw_video``,
  ``quota``, ``resources{group}``, ``trait{group}``, ``os``, ``accel``,
  ``pci_passthrough``, ``aggregate_instance_extra_specs``,
  ``capabilities``) must be one of :data:`VALIDATORS` (a 400 otherwise),
  and its value must fit that key's type, choices or range;
* a key without a namespace, or in a namespace nova does not know
  (``foo:bar``), is kept as it is.

The table holds one :class:`Spec` per key (or key pattern, for
``hw:numa_cpus.N``, ``resources1:VCPU``, ``trait:HW_CPU_X86_AVX``, ...); the
key list follows nova's "Extra Specs" reference, a subset of it (the specs
of nova's libvirt, placement and scheduler code; not the ones of drivers
nova dropped).  Before 2.86 any key and value is kept.
"""

import re

from services.compute import exception

_BOOL_WORDS = ('1', 't', 'true', 'on', 'y', 'yes', '0', 'f', 'false', 'off', 'n', 'no')
#: A host CPU set (``0-3,^2,8``), as ``hw:cpu_realtime_mask`` and
#: ``hw:numa_cpus.N`` take it.
_CPU_SET = r'\^?\d+(-\d+)?(,\^?\d+(-\d+)?)*'
#: ``small``, ``large``, ``any`` or a size (``2048``, ``2MB``, ``1GiB``).
_PAGE_SIZE = r'(large|small|any|\d+([kKMGT]i?)?(b|bit|B)?)'
_GROUP = r'[a-zA-Z0-9_-]{0,64}'


class Spec:
    """One extra spec: ``name`` (exact, or a regular expression with
    ``pattern=True``), its value's ``kind`` (``bool``, ``int``, ``str``),
    and optionally ``choices``, ``minimum`` / ``maximum`` (int), ``regex``
    (str, matched whole)."""

    def __init__(self, name, kind='str', choices=None, minimum=None, maximum=None,
                 regex=None, pattern=False):
        self.name = name
        self.kind = kind
        self.choices = choices
        self.minimum = minimum
        self.maximum = maximum
        self.regex = re.compile(regex) if regex else None
        self.key_re = re.compile(name) if pattern else None

    def matches(self, key):
        return key == self.name if self.key_re is None else bool(self.key_re.fullmatch(key))

    def check(self, key, value):
        """None when ``value`` (a string) fits, else why not."""
        if self.kind == 'bool':
            if value.strip().lower() not in _BOOL_WORDS:
                return "'%s' is not a boolean (true or false)" % value
            return None
        if self.kind == 'int':
            try:
                number = int(value.strip())
            except ValueError:
                return "'%s' is not an integer" % value
            if self.minimum is not None and number < self.minimum:
                return "%d is below the minimum %d" % (number, self.minimum)
            if self.maximum is not None and number > self.maximum:
                return "%d is above the maximum %d" % (number, self.maximum)
            return None
        if self.choices is not None and value not in self.choices:
            return "'%s' is not one of %s" % (value, ', '.join(self.choices))
        if self.regex is not None and not self.regex.fullmatch(value):
            return "'%s' is not of the form %s" % (value, self.regex.pattern)
        return None


def _hw(name, kind='str', **kwargs):
    return Spec('hw:' + name, kind, **kwargs)


def _ints(prefix, names, minimum=0, maximum=None):
    return [Spec(prefix + n, 'int', minimum=minimum, maximum=maximum) for n in names]


#: Every extra spec checked at 2.86, by namespace.
VALIDATORS = [
    # -- hw: the guest's CPU, memory, NUMA and device model (libvirt) --------------
    _hw('cpu_policy', choices=('shared', 'dedicated', 'mixed')),
    _hw('cpu_thread_policy', choices=('require', 'prefer', 'isolate')),
    _hw('emulator_threads_policy', choices=('share', 'isolate')),
    _hw('cpu_dedicated_mask', regex=_CPU_SET),
    _hw('cpu_realtime', 'bool'),
    _hw('cpu_realtime_mask', regex=_CPU_SET),
    *_ints('hw:', ('cpu_sockets', 'cpu_cores', 'cpu_threads', 'cpu_max_sockets',
                   'cpu_max_cores', 'cpu_max_threads', 'numa_nodes'), minimum=1),
    Spec(r'hw:numa_cpus\.\d+', regex=_CPU_SET, pattern=True),
    Spec(r'hw:numa_mem\.\d+', 'int', minimum=1, pattern=True),
    _hw('pci_numa_affinity_policy', choices=('required', 'preferred', 'legacy', 'socket')),
    _hw('mem_page_size', regex=_PAGE_SIZE),
    _hw('mem_encryption', 'bool'),
    _hw('locked_memory', 'bool'),
    _hw('hide_hypervisor_id', 'bool'),
    _hw('boot_menu', 'bool'),
    _hw('pmu', 'bool'),
    _hw('pmem', regex=r'[a-zA-Z0-9_.-]+(,[a-zA-Z0-9_.-]+)*'),
    _hw('serial_port_count', 'int', minimum=0),
    _hw('tpm_version', choices=('1.2', '2.0')),
    _hw('tpm_model', choices=('tpm-tis', 'tpm-crb')),
    _hw('watchdog_action', choices=('none', 'pause', 'poweroff', 'reset', 'disabled')),
    _hw('vif_multiqueue_enabled', 'bool'),
    _hw('virtio_packed_ring', 'bool'),
    _hw('maxphysaddr_mode', choices=('emulate', 'passthrough')),
    _hw('maxphysaddr_bits', 'int', minimum=1),
    _hw('ephemeral_encryption', 'bool'),
    _hw('ephemeral_encryption_format', choices=('luks', 'plain')),
    _hw('viommu_model', choices=('intel', 'smmuv3', 'virtio', 'auto')),
    _hw('sound_model', choices=('sb16', 'es1370', 'pcspk', 'ac97', 'ich6', 'ich9', 'usb',
                                'virtio')),
    _hw('usb_model', choices=('none', 'auto', 'piix3-uhci', 'piix4-uhci', 'ehci',
                              'qemu-xhci', 'nec-xhci', 'usb-ehci', 'ich9-ehci1')),
    _hw('redirected_usb_ports', 'int', minimum=0, maximum=15),
    # -- hw_rng / hw_video: the random number generator and video RAM -----------
    Spec('hw_rng:allowed', 'bool'),
    *_ints('hw_rng:', ('rate_bytes', 'rate_period')),
    Spec('hw_video:ram_max_mb', 'int', minimum=0),
    # -- quota: libvirt tuning of CPU, disk I/O and interface bandwidth ---------
    *_ints('quota:', ('cpu_shares', 'cpu_period', 'disk_read_bytes_sec',
                      'disk_read_iops_sec', 'disk_write_bytes_sec', 'disk_write_iops_sec',
                      'disk_total_bytes_sec', 'disk_total_iops_sec',
                      'disk_read_bytes_sec_max', 'disk_read_iops_sec_max',
                      'disk_write_bytes_sec_max', 'disk_write_iops_sec_max',
                      'disk_total_bytes_sec_max', 'disk_total_iops_sec_max',
                      'disk_size_iops_sec', 'vif_inbound_average', 'vif_inbound_peak',
                      'vif_inbound_burst', 'vif_outbound_average', 'vif_outbound_peak',
                      'vif_outbound_burst')),
    Spec('quota:cpu_quota', 'int'),  # -1 (or any negative) is "no limit"
    # -- placement: resources and traits, per request group ----------------------
    Spec(r'resources%s:(CUSTOM_[A-Z0-9_]+|[A-Z][A-Z0-9_]*)' % _GROUP, 'int', minimum=0,
         pattern=True),
    Spec(r'trait%s:[A-Za-z0-9_]+' % _GROUP, choices=('required', 'forbidden'),
         pattern=True),
    Spec('group_policy', choices=('none', 'isolate')),
    # -- os, accel, PCI aliases --------------------------------------------------
    Spec('os:secure_boot', choices=('disabled', 'required', 'optional')),
    Spec('accel:device_profile', regex=r'.+'),
    Spec('pci_passthrough:alias',
         regex=r'[^:,]+:\d+(,[^:,]+:\d+)*'),
    # -- scheduler filters: any key of theirs, any value ---------------------------
    Spec(r'aggregate_instance_extra_specs:.+', pattern=True),
    Spec(r'capabilities:.+', pattern=True),
]

#: The namespaces whose keys must be in the table (a regular expression
#: each, matched against the text before the key's first colon).
NAMESPACES = [re.compile(n) for n in (
    'hw', 'hw_rng', 'hw_video', 'quota', 'resources%s' % _GROUP, 'trait%s' % _GROUP, 'os',
    'accel', 'pci_passthrough', 'aggregate_instance_extra_specs', 'capabilities')]


def find(key):
    """The :class:`Spec` of ``key``, None when the table has none."""
    for spec in VALIDATORS:
        if spec.matches(key):
            return spec
    return None


def validate(key, value):
    """400 unless extra spec ``key`` = ``value`` (a string) is valid as nova
    validates it from 2.86."""
    spec = find(key)
    if spec is not None:
        problem = spec.check(key, value)
        if problem:
            raise exception.Invalid(reason="Validation failed; extra spec '%s': %s."
                                           % (key, problem))
        return
    namespace, colon, _ = key.partition(':')
    if colon and any(n.fullmatch(namespace) for n in NAMESPACES):
        raise exception.Invalid(reason="Validation failed; extra spec '%s' does not appear "
                                       "to be a valid extra spec." % key)


def validate_all(specs):
    for key, value in specs.items():
        validate(key, value)
