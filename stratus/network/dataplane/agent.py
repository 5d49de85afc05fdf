"""The dataplane agent: converges this host on the network service's
database, in the network service's process (docs/networking.md, "The
dataplane"). Each sync reads the whole State, then makes the bridges,
DHCP (and the metadata proxies), the firewall and the routers (routers.py,
when present) what it says.

Syncs are serialised and coalesce: asked while one runs, one more runs
after it, for every asker at once. The service asks after each write
request (in the background) and before a port is reported ACTIVE
(synchronously: its rules are in place when the compute hears of it);
besides, a thread syncs every [dataplane] resync_interval seconds.
"""
import importlib
import logging
import threading

from stratus.network import exception as net_exception
from stratus.network.dataplane import bridges
from stratus.network.dataplane import dhcp
from stratus.network.dataplane import firewall
from stratus.network.dataplane import metadata_proxy
from stratus.network.dataplane import state as dp_state
from stratus.network.store import dataplane_state

LOG = logging.getLogger(__name__)


def _routers(conf):
    """dp2's Routers(conf), or None while that module lacks it."""
    try:
        module = importlib.import_module(
            "stratus.network.dataplane.routers")
    except ImportError:
        return None
    factory = getattr(module, "Routers", None)
    return factory(conf) if factory is not None else None


class Dataplane:
    def __init__(self, conf, databases):
        self.conf = conf
        self.databases = databases
        self.bridges = bridges.Bridges(conf)
        self.dhcp = dhcp.Dhcp(conf, databases)
        self.firewall = firewall.Firewall(conf)
        self.routers = _routers(conf)
        self.proxy = metadata_proxy.MetadataProxy(conf, self.port_at)
        self.state = dp_state.State()
        self._cond = threading.Condition()
        self._requested = 0
        self._completed = 0
        self._running = False
        self._wake = threading.Event()
        self._stopping = False
        self._thread = None

    def port_at(self, network_id, address):
        """The Port of network_id holding address, in the last State."""
        for port in self.state.ports_of(network_id):
            if any(fixed.ip_address == address for fixed in port.fixed_ips):
                return port
        return None

    # Syncing -------------------------------------------------------------

    def sync(self):
        """Converge now; returns once a sync that started after this call
        has finished (its error raised to the caller that ran it)."""
        with self._cond:
            self._requested += 1
            wanted = self._requested
            while self._completed < wanted:
                if not self._running:
                    self._running = True
                    break
                self._cond.wait()
            else:
                return
            started = self._requested
        try:
            self._sync_once()
        finally:
            with self._cond:
                self._running = False
                self._completed = max(self._completed, started)
                self._cond.notify_all()

    def request_sync(self):
        """A sync soon, in the background."""
        self._wake.set()

    def _sync_once(self):
        snapshot = dataplane_state.read_state(self.databases)
        self.state = snapshot
        self.bridges.sync(snapshot)
        sites = self.dhcp.sync(snapshot)
        self.proxy.sync(sites)
        self.firewall.sync(snapshot)
        if self.routers is not None:
            self.routers.sync(snapshot)
        LOG.debug("Dataplane synced: %d networks, %d ports",
                  len(snapshot.networks), len(snapshot.ports))

    def _loop(self):
        interval = self.conf.dataplane.resync_interval
        while not self._stopping:
            self._wake.wait(interval)
            self._wake.clear()
            if self._stopping:
                return
            try:
                self.sync()
            except (net_exception.DataplaneError, OSError) as error:
                LOG.error("Dataplane sync failed: %s", error)
            except Exception:  # noqa: BLE001 - the loop must go on
                LOG.exception("Dataplane sync failed")

    # Life ----------------------------------------------------------------

    def start(self):
        """An initial sync (its failure logged), then the resync thread."""
        try:
            self.sync()
        except (net_exception.DataplaneError, OSError) as error:
            LOG.error("Dataplane sync failed: %s", error)
        self._stopping = False
        self._thread = threading.Thread(target=self._loop,
                                        name="dataplane", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.proxy.stop()

    def cleanup(self):
        """Stop, and remove what it made on the host."""
        self.stop()
        with self._cond:
            if self.routers is not None:
                self.routers.cleanup()
            self.firewall.cleanup()
            self.dhcp.cleanup()
            self.bridges.cleanup()
