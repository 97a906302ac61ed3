#!/usr/bin/env python3
"""Writes N licence documents as one Ion binary stream, for scripts/bench-ion-c.sh.

    make-licences.py N OUT.10n [SEED]

The documents follow Benchmarks/Sources/LicenceDataset/LicenceDataset.swift: the same SplitMix64
generator (seed 42 unless given), the same draws in the same order (Swift's `next(upperBound:)`,
`Int.random(in:)`, `randomElement()` and `Bool.random()` as the standard library defines them), the
same fields in the same order, timestamps with millisecond fractions at offset Z or +01:00, and
amounts as decimals with two fractional digits. For N = 100,000 and seed 42 its output was checked
byte for byte against `IonCompare make-licences` (LicenceDataset.documents encoded by this
package): the same 18,920,832 bytes. Other encoders may order symbols differently; the data stay
the same. scripts/bench-ion-c.sh uses it when the Swift side is not built.

Needs the `amazon-ion` package (pip install amazon-ion), e.g. in a venv:
    python3 -m venv /tmp/ionvenv && /tmp/ionvenv/bin/pip install amazon-ion
"""
import datetime
import sys
from collections import OrderedDict
from decimal import Decimal

try:
    from amazon.ion import simpleion
    from amazon.ion.core import OffsetTZInfo, Timestamp, TimestampPrecision
except ImportError:
    sys.exit("make-licences.py: needs the amazon-ion package (pip install amazon-ion)")

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, bound):
        """Swift's RandomNumberGenerator.next(upperBound:) on UInt64 (Lemire's method)."""
        m = self.next() * bound
        if m & MASK < bound:
            t = ((1 << 64) - bound) % bound
            while m & MASK < t:
                m = self.next() * bound
        return m >> 64

    def closed(self, low, high):
        """Int.random(in: low...high, using:)."""
        return low + self.below(high - low + 1)

    def element(self, items):
        """Collection.randomElement(using:)."""
        return items[self.below(len(items))]

    def boolean(self):
        """Bool.random(using:)."""
        return (self.next() >> 17) & 1 == 0


FIRST_NAMES = ["Alice", "Bob", "Carol", "David", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy"]
LAST_NAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies"]
EVENT_NAMES = ["LicenceCreated", "PenaltyPointsAdded", "ContactUpdated", "PenaltyPointsRemoved"]
POSTCODE_LETTERS = "ABCDEFGHJKLMNPRSTUWXYZ"
EPOCH = datetime.datetime(1970, 1, 1)
REFERENCE_DATE_OFFSET = 978307200.0  # Foundation's Date counts seconds from 2001-01-01


def timestamp(millis, offset_minutes):
    # As LicenceDataset does: Date(timeIntervalSince1970: millis / 1000), then milliseconds
    # rounded down (IonTimestamp(Date)), then the UTC fields given an offset.
    interval = (millis / 1000 - REFERENCE_DATE_OFFSET) + REFERENCE_DATE_OFFSET
    ms = int((interval * 1000) // 1)
    minute, ms_in_minute = divmod(ms, 60_000)
    local = EPOCH + datetime.timedelta(minutes=minute + offset_minutes)
    return Timestamp(
        local.year, local.month, local.day, local.hour, local.minute, ms_in_minute // 1000,
        tzinfo=OffsetTZInfo(datetime.timedelta(minutes=offset_minutes)),
        precision=TimestampPrecision.SECOND,
        fractional_seconds=Decimal(ms_in_minute % 1000).scaleb(-3))


def document(rng):
    first = rng.element(FIRST_NAMES)
    last = rng.element(LAST_NAMES)
    chars = "".join(format(rng.next() % 16, "x") for _ in range(32))
    uuid = "-".join(chars[a:b] for a, b in [(0, 8), (8, 12), (12, 16), (16, 20), (20, 32)])
    postcode = (rng.element(POSTCODE_LETTERS) + rng.element(POSTCODE_LETTERS) + str(rng.closed(1, 99))
                + " " + str(rng.closed(1, 9)) + rng.element(POSTCODE_LETTERS) + rng.element(POSTCODE_LETTERS))
    events = []
    for _ in range(2):
        millis = rng.closed(1_500_000_000_000, 1_750_000_000_000)
        offset = 0 if rng.boolean() else 60
        events.append(OrderedDict([
            ("eventName", rng.element(EVENT_NAMES)),
            ("eventDate", timestamp(millis, offset)),
        ]))
    doc = OrderedDict()
    doc["licenceId"] = uuid
    doc["name"] = f"{first} {last}"
    doc["email"] = f"{first.lower()}.{last.lower()}{rng.closed(1, 999)}@example.com"
    doc["telephone"] = f"07700 {rng.closed(900_000, 900_999)}"
    doc["penaltyPoints"] = rng.closed(0, 12)
    doc["postcode"] = postcode
    doc["events"] = events
    doc["amount"] = Decimal(rng.closed(0, 99_999)).scaleb(-2)
    return doc


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: make-licences.py N OUT.10n [SEED]")
    count, out = int(sys.argv[1]), sys.argv[2]
    rng = SplitMix64(int(sys.argv[3]) if len(sys.argv) == 4 else 42)
    documents = [document(rng) for _ in range(count)]
    data = simpleion.dumps(documents, binary=True, sequence_as_stream=True)
    with open(out, "wb") as f:
        f.write(data)
    print(f"make-licences.py: {count} documents, {len(data)} bytes ({len(data) / max(count, 1):.0f} B/doc) in {out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
