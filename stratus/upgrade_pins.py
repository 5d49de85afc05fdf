"""What a process sends to each kind of service while releases are mixed:
``[upgrade_levels]`` read into one ``Pin`` per service.

A Pin is the newest RPC version to send (``version_cap``, None: the
newest this code speaks) and the object versions of the receiver's
release (``manifest``, None: this release's own, sent as they are). The
RPC clients read their service's Pin at each message, the serializers
back-level every object to its manifest (stratus/rpc.py), and an RPC
server's replies use the Pin of its callers' service (``REPLY_PINS``):
the conductor answers computes, the scheduler answers conductors.

``auto`` reads the lowest version of the service's binary in the
services tables (``Service.get_minimum_version`` over every host cell;
a cell conductor reads its own cell; a compute, which has no database,
asks its conductor) and maps it through
``service_versions.SERVICE_VERSION_HISTORY``. It is read once, on first
use, and again by ``UpgradePins.refresh`` (SIGHUP): the Pin objects are
updated in place, so every client already made follows.
"""
import logging
import threading
import time
import weakref

from oslo_utils import versionutils

from stratus import constants
from stratus.objects import service_versions as history

LOG = logging.getLogger(__name__)

AUTO = "auto"
COMPUTE = "compute"
CONDUCTOR = "conductor"
SCHEDULER = "scheduler"
NETWORK = "network"

# service -> (the binary whose records auto reads, its history key).
SERVICES = {
    COMPUTE: (constants.COMPUTE_BINARY, history.COMPUTE_RPC),
    CONDUCTOR: (constants.CONDUCTOR_BINARY, history.CONDUCTOR_RPC),
    SCHEDULER: (constants.SCHEDULER_BINARY, history.SCHEDULER_RPC),
    # The network service records no version: auto is the newest.
    NETWORK: (None, history.NETWORK_RPC),
}
# Seconds before auto is read again after a failed reading (meanwhile
# the oldest supported release is assumed).
RETRY_SECONDS = 10.0
# An RPC server's binary -> the service its callers are, whose Pin its
# replies follow (the computes call the conductor, the conductors call
# the scheduler; the others' callers are never older than they are).
REPLY_PINS = {
    constants.CONDUCTOR_BINARY: COMPUTE,
    constants.SCHEDULER_BINARY: CONDUCTOR,
}


def _version_tuple(version):
    return versionutils.convert_version_to_tuple(version)


class Pin:
    """What this process sends to one service (see the module)."""

    def __init__(self, service, owner):
        self.service = service
        self.version_cap = None
        self.manifest = None
        self.resolved = False
        self.option = None  # the [upgrade_levels] value it was read from
        self.retry_at = 0.0
        self._owner = owner

    def current(self):
        """This Pin, read again first when its last reading failed."""
        if not self.resolved:
            self._owner.pin(self.service)
        return self

    def set(self, version_cap, manifest):
        # The manifest first: a message sent meanwhile goes with the
        # older objects, never with newer ones than its cap.
        self.manifest = manifest
        self.version_cap = version_cap
        self.resolved = True

    def __repr__(self):
        return "Pin(%s, cap=%s, %s)" % (
            self.service, self.version_cap,
            "current objects" if self.manifest is None
            else "back-levelled objects")


def _objects_of(entry):
    """The manifest of a history entry: None for this release's own."""
    if entry is history.SERVICE_VERSION_HISTORY[history.SERVICE_VERSION]:
        return None
    return dict(entry[history.OBJECTS])


def _entry_of_rpc_version(rpc_key, version):
    """The history entry of the oldest release whose RPC version of
    rpc_key is not below version (the newest when none): a cap several
    releases share (compute 1.13: 0.1.0 and 0.2.0) back-levels the
    objects to the oldest of them."""
    fitting = [number for number, entry
               in history.SERVICE_VERSION_HISTORY.items()
               if _version_tuple(entry[rpc_key]) >= _version_tuple(version)]
    return history.entry(min(fitting) if fitting
                         else history.SERVICE_VERSION)


class UpgradePins:
    """The Pins of one process (one Messaging and those made from it)."""

    def __init__(self, conf):
        self._conf = conf
        self._pins = {service: Pin(service, self) for service in SERVICES}
        self._lock = threading.Lock()
        self._minimum_version = None
        _ALL.add(self)

    def bind(self, minimum_version, replace=False):
        """minimum_version(binary): the lowest version of binary's live
        services (None when there are none), what auto reads. The first
        binding stays unless replace."""
        if self._minimum_version is None or replace:
            self._minimum_version = minimum_version

    @property
    def bound(self):
        return self._minimum_version is not None

    def pin(self, service):
        """The Pin of service, resolved on first use (and again when
        its option changed since: a client made after a change of the
        configuration follows it, as Nova's)."""
        pin = self._pins[service]
        if pin.option != getattr(self._conf.upgrade_levels, service):
            pin.resolved = False
            pin.retry_at = 0.0
        if not pin.resolved and time.monotonic() >= pin.retry_at:
            with self._lock:
                if not pin.resolved:
                    self._resolve(pin)
        return pin

    def refresh(self, reload_config=False):
        """Read every pin again (SIGHUP): each follows the configuration
        (its files read again when reload_config: the [upgrade_levels]
        options are mutable) and the databases as they are now."""
        if reload_config:
            self._conf.mutate_config_files()
        with self._lock:
            for pin in self._pins.values():
                self._resolve(pin)

    def _resolve(self, pin):
        option = pin.option = getattr(self._conf.upgrade_levels,
                                      pin.service)
        binary, rpc_key = SERVICES[pin.service]
        if not option:
            pin.set(None, None)
            return
        if option == AUTO:
            self._resolve_auto(pin, binary, rpc_key)
            return
        if option in history.RELEASE_ALIASES:
            entry = history.SERVICE_VERSION_HISTORY[
                history.RELEASE_ALIASES[option]]
            cap = entry[rpc_key]
        else:
            entry, cap = _entry_of_rpc_version(rpc_key, option), option
        pin.set(cap, _objects_of(entry))
        LOG.info("%s RPC capped at %s ([upgrade_levels] %s = %s)",
                 pin.service, cap, pin.service, option)

    def _resolve_auto(self, pin, binary, rpc_key):
        if binary is None:
            pin.set(None, None)
            return
        if self._minimum_version is None:
            # Not bound yet (a compute's clients are made before its
            # service): read again on the next use.
            minimum, why, retry = None, "no service versions to read", 0.0
        else:
            try:
                minimum, why = self._minimum_version(binary), None
            except Exception as exc:  # noqa: BLE001 - any failure: the oldest
                minimum, why = None, "%s: %s" % (type(exc).__name__, exc)
                retry = RETRY_SECONDS
        if why is not None:
            # Not known: the oldest supported release until it is.
            entry = history.entry(history.OLDEST_SUPPORTED_SERVICE_VERSION)
            pin.set(entry[rpc_key], _objects_of(entry))
            pin.resolved = False
            pin.retry_at = time.monotonic() + retry
            LOG.warning("%s RPC capped at %s for now (auto: %s)",
                        pin.service, entry[rpc_key], why)
            return
        if minimum is None:
            # No such service yet (the control plane starts before its
            # computes): the newest, read again at the next use (as
            # Nova's, which does not cache a minimum of 0).
            pin.set(None, None)
            pin.resolved = False
            LOG.debug("%s RPC not capped for now (auto: no %s service "
                      "recorded)", pin.service, binary)
            return
        if minimum >= history.SERVICE_VERSION:
            pin.set(None, None)
            LOG.info("%s RPC not capped (auto: minimum %s service version "
                     "%s)", pin.service, binary, minimum)
            return
        entry = history.entry(minimum)
        pin.set(entry[rpc_key], _objects_of(entry))
        LOG.info("%s RPC capped at %s (auto: minimum %s service version %s)",
                 pin.service, entry[rpc_key], binary, minimum)


# Every process's UpgradePins, for refresh_all.
_ALL = weakref.WeakSet()


def refresh_all():
    """What SIGHUP does: every UpgradePins of this process reads its
    configuration files and its pins again."""
    for pins in list(_ALL):
        try:
            pins.refresh(reload_config=True)
        except Exception:  # noqa: BLE001 - the others still refresh
            LOG.exception("Upgrade pins not refreshed")


def database_versions(databases):
    """A minimum_version for UpgradePins.bind reading the services
    tables of databases: every host cell's, or a cell conductor's own
    cell's (no API database)."""
    from stratus import context as stratus_context
    from stratus.objects import service as service_obj

    def minimum_version(binary):
        ctx = stratus_context.get_admin_context(databases)
        return service_obj.Service.get_minimum_version(
            ctx, binary, cell_uuid=own_cell(databases))
    return minimum_version


def own_cell(databases):
    """The one cell whose services a process with databases reads: None
    (every host cell) with an API database, else its own (a cell
    conductor's)."""
    if getattr(databases, "has_api", True):
        return None
    return databases.cell_uuid
