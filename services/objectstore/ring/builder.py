"""The ring builder: devices, weights and the partition assignment.

The builder file (JSON, written atomically) keeps everything a later
rebalance needs; ``write_ring`` produces the read-only ring file servers load.

Rebalance, in three passes:

1. take back replicas that must move: those on a device that is gone or has
   no weight, a second replica of a partition on one device, and a replica
   in a zone that holds more of the partition's replicas than an even spread
   over the zones allows;
2. take back replicas from devices holding more partitions than their weight
   asks for (never two replicas of one partition in one rebalance, so a
   partition keeps a majority in place);
3. place every replica taken back on the device, among those not holding the
   partition, in the zone holding the fewest of its replicas, that is
   furthest below its share.

Only what passes 1 and 2 take back moves, so adding a device moves about its
share of replicas and nothing else.
"""

import json
import math
import random

from services.objectstore.ring import ringfile

NONE = 0xFFFF            # no device (the ring file's 16-bit id space)
MAX_DEVICE_ID = NONE - 1
DEFAULT_REPLICAS = 3


class RingBuilderError(ValueError):
    pass


class RingBuilder:

    def __init__(self, part_power, replicas=DEFAULT_REPLICAS):
        if not 1 <= part_power <= 24:
            raise RingBuilderError('part power must be between 1 and 24')
        if not 1 <= replicas <= 16:
            raise RingBuilderError('replicas must be between 1 and 16')
        self.part_power = part_power
        self.replicas = replicas
        self.devices = {}        # id -> device dict
        self.assignments = None  # replicas x partitions device ids, after a rebalance
        self.dirty = True        # devices changed since the last rebalance

    @property
    def parts(self):
        return 1 << self.part_power

    # -- devices ---------------------------------------------------------
    def add_device(self, region, zone, ip, port, device, weight, dev_id=None):
        if dev_id is None:
            dev_id = max(self.devices, default=-1) + 1
        if not 0 <= dev_id <= MAX_DEVICE_ID:
            raise RingBuilderError('device id %s out of range' % dev_id)
        if dev_id in self.devices:
            raise RingBuilderError('device id %s is taken' % dev_id)
        if float(weight) < 0:
            raise RingBuilderError('a weight cannot be negative')
        for other in self.devices.values():
            if (other['ip'], other['port'], other['device']) == (ip, int(port), device):
                raise RingBuilderError('device %s:%s/%s is already in the ring'
                                       % (ip, port, device))
        self.devices[dev_id] = {'id': dev_id, 'region': int(region), 'zone': int(zone),
                                'ip': ip, 'port': int(port), 'device': device,
                                'weight': float(weight)}
        self.dirty = True
        return dev_id

    def set_weight(self, dev_id, weight):
        self._device(dev_id)['weight'] = float(weight)
        self.dirty = True

    def remove_device(self, dev_id):
        self._device(dev_id)
        del self.devices[dev_id]
        self.dirty = True

    def _device(self, dev_id):
        try:
            return self.devices[dev_id]
        except KeyError:
            raise RingBuilderError('no device with id %s' % dev_id)

    # -- rebalance --------------------------------------------------------
    def _shares(self, active):
        total = sum(self.devices[d]['weight'] for d in active)
        return {d: self.devices[d]['weight'] / total * self.parts * self.replicas
                for d in active}

    def rebalance(self, seed=0):
        """Assign partitions; returns how many replicas moved."""
        active = sorted(d for d, dev in self.devices.items() if dev['weight'] > 0)
        if len(active) < self.replicas:
            raise RingBuilderError('%d replicas need at least %d devices with weight '
                                   '(have %d)' % (self.replicas, self.replicas, len(active)))
        rng = random.Random(seed)
        parts = self.parts
        if self.assignments is None:
            self.assignments = [[NONE] * parts for _ in range(self.replicas)]
        table = self.assignments
        zone_of = {d: self._zone(d) for d in active}
        zones = set(zone_of.values())
        per_zone_cap = math.ceil(self.replicas / len(zones))
        share = self._shares(active)
        count = dict.fromkeys(active, 0)
        taken = []          # (part, replica) taken back
        was_placed = 0

        # pass 1: replicas that cannot stay
        for part in range(parts):
            seen_devs = set()
            in_zone = {}
            for r in range(self.replicas):
                dev = table[r][part]
                if dev == NONE:
                    taken.append((part, r))
                    continue
                was_placed += 1
                zone = zone_of.get(dev)
                if zone is None or dev in seen_devs or in_zone.get(zone, 0) >= per_zone_cap:
                    table[r][part] = NONE
                    taken.append((part, r))
                    continue
                seen_devs.add(dev)
                in_zone[zone] = in_zone.get(zone, 0) + 1
                count[dev] += 1

        # pass 2: devices over their share give back what is above it
        moved_parts = {part for part, _ in taken}
        by_dev = {d: [] for d in active}
        for r in range(self.replicas):
            row = table[r]
            for part in range(parts):
                if row[part] != NONE:
                    by_dev[row[part]].append((part, r))
        for dev in active:
            excess = count[dev] - math.ceil(share[dev])
            if excess <= 0:
                continue
            rng.shuffle(by_dev[dev])
            for part, r in by_dev[dev]:
                if excess <= 0:
                    break
                if part in moved_parts:
                    continue
                table[r][part] = NONE
                taken.append((part, r))
                moved_parts.add(part)
                count[dev] -= 1
                excess -= 1

        # pass 3: place what was taken back
        rng.shuffle(taken)
        taken.sort(key=lambda item: item[0])   # one partition at a time
        for part, r in taken:
            holders = [table[x][part] for x in range(self.replicas) if table[x][part] != NONE]
            used_zones = {}
            for dev in holders:
                used_zones[zone_of[dev]] = used_zones.get(zone_of[dev], 0) + 1
            best = min((d for d in active if d not in holders),
                       key=lambda d: (used_zones.get(zone_of[d], 0),
                                      (count[d] - share[d]) / share[d], d))
            table[r][part] = best
            count[best] += 1
        self.dirty = False
        # a replica placed for the first time is no move
        return len(taken) - (self.parts * self.replicas - was_placed)

    def _zone(self, dev_id):
        dev = self.devices[dev_id]
        return (dev['region'], dev['zone'])

    # -- reports -----------------------------------------------------------
    def part_counts(self):
        counts = dict.fromkeys(self.devices, 0)
        for row in self.assignments or ():
            for dev in row:
                if dev != NONE:
                    counts[dev] += 1
        return counts

    def balance(self):
        """The largest difference, in percent, between a device's partitions
        and its weight's share (0 is perfect)."""
        active = [d for d, dev in self.devices.items() if dev['weight'] > 0]
        if not active or self.assignments is None:
            return 0.0
        share = self._shares(active)
        counts = self.part_counts()
        return max(abs(counts[d] - share[d]) * 100.0 / share[d] for d in active)

    # -- files ----------------------------------------------------------------
    def to_dict(self):
        return {'part_power': self.part_power, 'replicas': self.replicas,
                'devices': sorted(self.devices.values(), key=lambda d: d['id']),
                'assignments': self.assignments, 'dirty': self.dirty}

    @classmethod
    def from_dict(cls, body):
        builder = cls(body['part_power'], body['replicas'])
        builder.devices = {d['id']: dict(d) for d in body['devices']}
        builder.assignments = body.get('assignments')
        builder.dirty = body.get('dirty', True)
        return builder

    def save(self, path):
        ringfile.atomic_write(path, json.dumps(self.to_dict()).encode('utf-8'))

    @classmethod
    def load(cls, path):
        with open(path) as f:
            return cls.from_dict(json.load(f))

    def write_ring(self, path):
        if self.assignments is None or self.dirty:
            raise RingBuilderError('rebalance before writing the ring')
        ringfile.write_ring(path, self.part_power, self.replicas,
                            [self.devices[d] for d in sorted(self.devices)],
                            self.assignments)
