"""``alto-manage objectstore ring ...``: build the account, container and object rings.

    ring create <type> --part-power N [--replicas 3]
    ring add <type> --region R --zone Z --ip IP --port P --device NAME [--weight W]
    ring add <type> r<R>z<Z>-<ip>:<port>/<device> [...] [--weight W]
    ring rebalance <type>        (writes <type>.ring.gz)
    ring show <type>

``<type>`` is account, container or object; the files live in
``[objectstore] ring_dir``.
"""

import os
import re
import sys

from common.cmd import manage  # noqa: F401  (the command framework)


def _prepare(conf):
    from services.objectstore import conf as objectstore_conf
    objectstore_conf.register_opts(conf)


def _paths(ring_type):
    from common import config
    from services.objectstore.ring import ringfile
    ring_dir = config.CONF.objectstore.ring_dir
    return (ring_dir, ringfile.builder_path(ring_dir, ring_type),
            ringfile.ring_path(ring_dir, ring_type))


def _load(ring_type):
    from services.objectstore.ring import builder
    _, path, _ = _paths(ring_type)
    if not os.path.exists(path):
        raise SystemExit('no %s ring builder at %s: run "ring create" first' % (ring_type, path))
    return builder.RingBuilder.load(path)


def _fail(exc):
    print('error: %s' % exc, file=sys.stderr)
    return 1


def _create(args):
    from services.objectstore.ring import builder
    ring_dir, path, _ = _paths(args.ring_type)
    if os.path.exists(path) and not args.force:
        print('%s already exists (use --force to start over)' % path, file=sys.stderr)
        return 1
    try:
        ring = builder.RingBuilder(args.part_power, args.replicas)
    except builder.RingBuilderError as exc:
        return _fail(exc)
    os.makedirs(ring_dir, exist_ok=True)
    ring.save(path)
    print('created %s ring: part power %d, %d replicas' % (
        args.ring_type, args.part_power, args.replicas))


_SPEC = re.compile(r'^r(\d+)z(\d+)-([^:/]+):(\d+)/([^/\s]+)$')


def _parse_spec(spec):
    match = _SPEC.match(spec)
    if not match:
        raise ValueError('bad device %r: use r<region>z<zone>-<ip>:<port>/<device>' % spec)
    region, zone, ip, port, device = match.groups()
    return int(region), int(zone), ip, int(port), device


def _add(args):
    from services.objectstore.ring import builder
    ring = _load(args.ring_type)
    wanted = []
    try:
        for spec in args.devices:
            wanted.append(_parse_spec(spec))
    except ValueError as exc:
        return _fail(exc)
    if args.device or not wanted:
        if None in (args.zone, args.ip, args.port, args.device):
            return _fail('give --zone, --ip, --port and --device, or device specs')
        wanted.append((args.region, args.zone, args.ip, args.port, args.device))
    if args.id is not None and len(wanted) > 1:
        return _fail('--id names one device')
    try:
        for region, zone, ip, port, device in wanted:
            dev_id = ring.add_device(region, zone, ip, port, device, args.weight,
                                     dev_id=args.id)
            print('added device %d: r%dz%d-%s:%d/%s weight %s' % (
                dev_id, region, zone, ip, port, device, args.weight))
    except builder.RingBuilderError as exc:
        return _fail(exc)
    ring.save(_paths(args.ring_type)[1])


def _rebalance(args):
    from services.objectstore.ring import builder
    ring = _load(args.ring_type)
    try:
        moved = ring.rebalance(seed=args.seed)
        _, path, ring_path = _paths(args.ring_type)
        ring.save(path)
        ring.write_ring(ring_path)
    except builder.RingBuilderError as exc:
        return _fail(exc)
    print('rebalanced %s ring: %d replicas moved, balance %.2f; wrote %s' % (
        args.ring_type, moved, ring.balance(), ring_path))


def _show(args):
    ring = _load(args.ring_type)
    counts = ring.part_counts()
    print('%s ring: %d partitions, %d replicas, %d devices, balance %.2f%s' % (
        args.ring_type, ring.parts, ring.replicas, len(ring.devices), ring.balance(),
        ' (devices changed: rebalance)' if ring.dirty else ''))
    print('%4s %6s %4s %15s %5s %-12s %8s %10s' % (
        'id', 'region', 'zone', 'ip', 'port', 'device', 'weight', 'partitions'))
    for dev in sorted(ring.devices.values(), key=lambda d: d['id']):
        print('%4d %6d %4d %15s %5d %-12s %8.2f %10d' % (
            dev['id'], dev['region'], dev['zone'], dev['ip'], dev['port'], dev['device'],
            dev['weight'], counts.get(dev['id'], 0)))


def register(subparsers):
    ring = subparsers.add_parser('ring', help='build the rings')
    commands = ring.add_subparsers(dest='ring_command', metavar='ring_command', required=True)
    types = ('account', 'container', 'object')

    create = commands.add_parser('create', help='start a ring builder')
    create.add_argument('ring_type', choices=types)
    create.add_argument('--part-power', type=int, required=True,
                        help='2**N partitions')
    create.add_argument('--replicas', type=int, default=3)
    create.add_argument('--force', action='store_true', help='replace an existing builder')
    create.set_defaults(func=_create, prepare_conf=_prepare)

    add = commands.add_parser('add', help='add a device')
    add.add_argument('ring_type', choices=types)
    add.add_argument('devices', nargs='*', metavar='r<R>z<Z>-<ip>:<port>/<device>',
                     help='devices to add (or one with the options below)')
    add.add_argument('--region', type=int, default=1)
    add.add_argument('--zone', type=int)
    add.add_argument('--ip')
    add.add_argument('--port', type=int)
    add.add_argument('--device')
    add.add_argument('--weight', type=float, default=100.0)
    add.add_argument('--id', type=int, help='device id (default: the next free one)')
    add.set_defaults(func=_add, prepare_conf=_prepare)

    rebalance = commands.add_parser('rebalance', help='assign partitions, write the ring')
    rebalance.add_argument('ring_type', choices=types)
    rebalance.add_argument('--seed', type=int, default=0)
    rebalance.set_defaults(func=_rebalance, prepare_conf=_prepare)

    show = commands.add_parser('show', help='devices and their partitions')
    show.add_argument('ring_type', choices=types)
    show.set_defaults(func=_show, prepare_conf=_prepare)
