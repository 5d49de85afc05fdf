"""What a conductor last wrote of each resource provider in placement
(inventories, traits), shared by both ways of writing it
(conductor/placement_report.py)."""
import threading
import time

# Seconds what was written to a provider is taken as still there.
REFRESH = 300


class Written:
    """What was last written of each provider (inventories, traits), and
    when: a write of the same values within REFRESH seconds is skipped."""

    def __init__(self):
        self._lock = threading.Lock()
        self._values = {}

    def fresh(self, kind, uuid, value):
        written = self._values.get((kind, uuid))
        return (written is not None and written[0] == value
                and time.monotonic() - written[1] < REFRESH)

    def remember(self, kind, values):
        """values: {uuid: value} written now."""
        now = time.monotonic()
        with self._lock:
            for uuid, value in values.items():
                self._values[(kind, uuid)] = (value, now)

    def forget(self, kind):
        """Nothing of kind is taken as written any more."""
        with self._lock:
            for key in [key for key in self._values if key[0] == kind]:
                del self._values[key]

    def unwritten(self, kind, wanted):
        """The part of wanted ({uuid: value}) not written lately."""
        return {uuid: value for uuid, value in wanted.items()
                if not self.fresh(kind, uuid, value)}
