"""`stratus all-in-one`: the whole cloud in one process on embedded
defaults — SQLite databases (API, cell0, cell1) in a data directory, the
in-process message transport (every message still serialized), the
built-in identity and image services, and ``[all_in_one] compute_hosts``
compute services (three by default), each a host of its own whose fake
driver simulates ``[fake_driver] nodes`` hypervisors.

``Cloud`` is also what the functional tests and benchmarks start.
"""
import concurrent.futures
import logging
import os
import sys

import platformdirs

from stratus.cmd import all_in_one_cells
from stratus.cmd import signals
from stratus import rpc
from stratus import service
from stratus.db import setup as db_setup
from stratus.observability import endpoints
from stratus import wsgi_server
from stratus import constants

LOG = logging.getLogger(__name__)


# [cinder] volumes_dir of an all-in-one with the libvirt driver, beside
# the driver's default instances path (/var/lib/stratus/instances).
LIBVIRT_VOLUMES_DIR = "/var/lib/stratus/volumes"


def default_data_dir():
    return platformdirs.user_data_dir("stratus")


def cell0_url(data_dir):
    """The all-in-one's cell0 database in data_dir."""
    return "sqlite:///" + os.path.join(os.path.abspath(data_dir), "cell0.db")


def configure(conf, data_dir, auth=None, nodes=None, ports=None,
              hosts=None, cells=None):
    """Point conf at the data directory unless the operator said otherwise."""
    os.makedirs(data_dir, mode=0o700, exist_ok=True)
    data_dir = os.path.abspath(data_dir)

    def default(group, name, value):
        current = conf[group][name] if group else conf[name]
        if current in (None, ""):
            conf.set_override(name, value, group=group)

    default(None, "state_path", data_dir)
    if conf.compute_driver == "libvirt":
        # QEMU (user libvirt-qemu) opens the built-in block storage
        # service's volume files: they cannot be under the data directory
        # (0700), which others may not traverse.
        default("cinder", "volumes_dir", LIBVIRT_VOLUMES_DIR)
    # Every owner of a transitional state runs here: see tasks/stuck_states.
    conf.set_override("in_process_owners", True, group="conductor")
    default("api_database", "connection",
            "sqlite:///" + os.path.join(data_dir, "api.db"))
    default("database", "connection",
            "sqlite:///" + os.path.join(data_dir, "cell1.db"))
    if auth:
        conf.set_override("auth_strategy", auth, group="api")
    elif "auth_strategy" not in _explicit(conf, "api"):
        conf.set_override("auth_strategy", "builtin", group="api")
    if nodes:
        conf.set_override("nodes", nodes, group="fake_driver")
    if hosts:
        conf.set_override("compute_hosts", hosts, group="all_in_one")
    if cells:
        conf.set_override("cells", cells, group="all_in_one")
    for (group, name), port in (ports or {}).items():
        if port is not None:
            conf.set_override(name, port, group=group)
    return data_dir


def _explicit(conf, group):
    """Options of group set in a config file (not left at the default)."""
    names = set()
    for opt_name in conf[group]:
        try:
            if conf.get_location(opt_name, group).location.name != "opt_default":
                names.add(opt_name)
        except Exception:  # noqa: BLE001 - location is best effort
            pass
    return names


def compute_host_names(conf):
    """The compute hosts the all-in-one runs: compute1 ... computeN
    (stable across restarts), or [DEFAULT] host alone when it runs one
    (always with the libvirt driver: its guests are this machine's)."""
    count = conf.all_in_one.compute_hosts
    if count == 1 or conf.compute_driver != "fake":
        return [conf.host]
    return ["compute%d" % index for index in range(1, count + 1)]


_STOP_ORDER = {constants.CONDUCTOR_BINARY: 1, constants.SCHEDULER_BINARY: 2}


def _stop_compute(compute):
    compute.stop()
    compute.manager.driver.cleanup_host(compute.host)


def _migrate_data(databases):
    """The online data migrations of an upgrade, run to completion while
    the all-in-one is down (before its contract revisions)."""
    from stratus import context as stratus_context
    from stratus.objects import online_migrations
    moved = online_migrations.run_to_completion(
        stratus_context.get_admin_context(databases))
    if any(moved.values()):
        LOG.info("Online data migrations before the contract: %s", moved)


class Cloud:
    """Every Stratus service in this process, started and stopped as one."""

    def __init__(self, conf, data_dir, serve_http=True, cell0_url=None,
                 cell_urls=None):
        """cell_urls: cell name -> database URL of cells 2..N
        (all_in_one_cells), instead of files in data_dir."""
        self.conf = conf
        self.data_dir = data_dir
        self._cell0_url = cell0_url
        self._cell_urls = cell_urls
        # all_in_one_cells.Cell of each host cell, cell1 first.
        self.cells = []
        # compute host -> its Cell (start).
        self.host_cells = {}
        self.serve_http = serve_http
        self.databases = None
        self.messaging = None
        self.services = []
        self.server = None
        self.apps = {}
        self.console_proxies = []
        self._validator = None
        self._image_app_pair = None
        self._images = None
        self._networks = None
        self._volumes = None
        self._compute_in_process = None
        # The built-in network service's agent RPC servers (topic network),
        # on this transport and every cell's.
        self.network_agents = None
        # Its dataplane, when [dataplane] enables it.
        self.dataplane = None
        # Horizon's child process (--dashboard; stratus/dashboard.py).
        self.dashboard = None

    @property
    def cell0_url(self):
        return self._cell0_url or cell0_url(self.data_dir)

    def bootstrap(self, migrate=True):
        """Databases, cells, users, flavors, images: idempotent.
        migrate=False: the API, cell0 and cell1 databases are known
        migrated (the tests' harness)."""
        self.databases = db_setup.setup_cloud_databases(
            self.conf.api_database.connection, self.cell0_url,
            self.conf.database.connection, migrate=migrate,
            migrate_data=_migrate_data)
        self.cells = all_in_one_cells.ensure_cells(
            self.databases, self.conf, self.data_dir,
            self.conf.all_in_one.cells, self._cell_urls)
        self._validator = self._image_app_pair = self._images = None
        self._networks = self._volumes = None
        from stratus.cmd import services
        services.bootstrap_api(self.conf, self.databases)

    def _token_validator(self):
        """The built-in identity's token validator (builtin auth only)."""
        if self._validator is None and self.conf.api.auth_strategy == "builtin":
            from stratus.identity import tokens
            self._validator = tokens.validator_from_conf(self.conf,
                                                         self.databases)
        return self._validator

    def _image_apps(self):
        """(served, in_process) built-in image app (see image app.make_apps)."""
        if self._image_app_pair is None:
            from stratus.api.image import app as image_app
            self._image_app_pair = image_app.make_apps(
                self.conf, self.databases,
                token_validator=self._token_validator())
        return self._image_app_pair

    def _image_api(self):
        """The image service as the compute API and the computes reach it:
        over HTTP when [glance] api_servers (or in keystone mode the
        caller's catalog) names one, with the caller's token or [glance]'s
        service user; else the built-in app in-process with the caller's
        context and token."""
        if self._images is None:
            from stratus.image import client as image_client
            if self.conf.glance.api_servers:
                self._images = image_client.ImageAPI.from_conf(self.conf)
            else:
                self._images = image_client.ImageAPI.built_in(
                    self.conf, self._image_apps()[1])
        return self._images

    def _network_api(self):
        """The network service as the compute API reaches it
        (stratus.network.neutron.NeutronAPI): over HTTP when [neutron]
        endpoint_override (or in keystone mode the caller's catalog) names
        one, with the caller's token or [neutron]'s service user; else the
        built-in network app in-process with the caller's context."""
        if self._networks is None:
            from stratus.api import network_client
            self._networks = network_client.network_api(
                self.conf, self.databases, self._token_validator())
        return self._networks

    def _volume_api(self):
        """The block storage service as the compute API and the computes
        reach it (stratus.volume.cinder.CinderAPI): the catalog's or
        [cinder]'s endpoint when they name one, else the built-in block
        storage app in-process with the caller's context."""
        if self._volumes is None:
            from stratus.api import volume_client
            self._volumes = volume_client.volume_api(
                self.conf, self.databases, self._token_validator(),
                compute_app=lambda: self._compute_in_process,
                image_api=self._image_api())
        return self._volumes

    def serves_network(self):
        """The built-in network service runs here unless [neutron]
        endpoint_override names another."""
        return not self.conf.neutron.endpoint_override

    def serves_volume(self):
        """The built-in block storage service runs here unless [cinder]
        endpoint_template names another."""
        return not self.conf.cinder.endpoint_template

    def serves_metadata(self):
        from stratus.network import api as network_api
        return (network_api.provider_name(self.conf) == "builtin"
                or self.dataplane is not None)

    def _metadata_listener(self):
        """(name, app, address, port) of the metadata service: on the
        builtin bridge's metadata address, or with the dataplane on
        loopback, behind its proxies (Nova's service_metadata_proxy)."""
        conf = self.conf
        if self.dataplane is not None:
            return ("metadata", self.apps["metadata"],
                    conf.dataplane.metadata_listen,
                    conf.dataplane.metadata_port)
        return ("metadata", self.apps["metadata"],
                conf.network.metadata_address, conf.network.metadata_port)

    def build_apps(self):
        from stratus.api.compute import app as compute_app
        from stratus.api.identity import app as identity_app
        from stratus.api.placement import app as placement_app
        validator = self._token_validator()
        compute, self._compute_in_process = compute_app.make_apps(
            self.conf, self.databases, self.messaging,
            token_validator=validator, image_api=self._image_api(),
            network_api=self._network_api(), volume_api=self._volume_api())
        self.apps = {
            "compute": compute,
            "identity": identity_app.make_app(self.conf, self.databases),
            "image": self._image_apps()[0],
            "placement": placement_app.make_app(
                self.conf, self.databases, token_validator=validator),
        }
        if self.serves_network():
            from stratus.cmd import services
            self.apps["network"] = services.network_listener(
                self.conf, self.databases, validator, self.dataplane)[1]
            from stratus.api.network import app as network_app
            if isinstance(self.apps["network"], network_app.NetworkApp):
                # Its events for servers go to this process's compute app
                # (keystone mode: over HTTP, as the service user).
                self.apps["network"].compute_app = (
                    lambda: self._compute_in_process)
        if self.serves_volume():
            from stratus.cmd import services as services_cmd
            self.apps["volume"] = services_cmd.volume_listener(
                self.conf, self.databases, validator,
                image_api=self._image_api())[1]
            from stratus.api.volume import app as volume_app
            if isinstance(self.apps["volume"], volume_app.VolumeApp):
                # Its events for servers go to this process's compute app.
                self.apps["volume"].compute_app = (
                    lambda: self._compute_in_process)
        if self.serves_metadata():
            from stratus.api.metadata import app as metadata_app
            self.apps["metadata"] = metadata_app.make_app(
                self.conf, self.databases)
        return self.apps

    def start(self):
        if self.databases is None:
            self.bootstrap()
        conf = self.conf
        self.messaging = rpc.Messaging(
            conf, url=rpc.IN_PROCESS_URL).bind_cells(self.databases)
        from stratus.scheduler import manager as scheduler_manager
        host = conf.host
        hosts = self.host_cells = all_in_one_cells.cells_of_hosts(
            self.databases, compute_host_names(conf), self.cells)
        self.services = self._conductors() + [
            service.Service(conf, self.messaging,
                            constants.SCHEDULER_BINARY, "scheduler", host, scheduler_manager.SchedulerManager(
                                conf, self.messaging, self.databases),
                            databases=self.databases),
        ] + [self.compute_service(compute_host, self.cell_messaging(cell))
             for compute_host, cell in hosts.items()]
        if self.serves_network():
            from stratus.cmd import services as services_cmd
            self.dataplane = services_cmd.make_dataplane(conf,
                                                         self.databases)
            if self.dataplane is not None:
                _proxied_metadata(conf)
            # On this transport and every cell's: the computes of a cell
            # report their ports on their cell's.
            self.network_agents = services_cmd.network_agent_servers(
                conf, self.messaging, self.databases,
                compute_app=lambda: self._compute_in_process,
                dataplane=self.dataplane)
            self.network_agents.start()
        for svc in self.services:
            svc.start()
        self.build_apps()
        if self.serve_http:
            threads = conf.osapi_compute_workers
            metadata = []
            if "metadata" in self.apps:
                # On the bridge's metadata address only (the network
                # provider put it there when the compute started), or on
                # loopback behind the dataplane's proxies.
                metadata = [self._metadata_listener()]
            self.server = wsgi_server.serve(metadata + [
                ("compute", self.apps["compute"], conf.osapi_compute_listen,
                 conf.osapi_compute_listen_port),
                ("identity", self.apps["identity"], conf.identity.listen,
                 conf.identity.port),
                ("image", self.apps["image"], conf.glance.listen,
                 conf.glance.port),
                ("placement", self.apps["placement"],
                 conf.placement_api.listen, conf.placement_api.port),
            ] + ([("network", self.apps["network"], conf.neutron.listen,
                   conf.neutron.port)] if "network" in self.apps else [])
              + ([("volume", self.apps["volume"], conf.cinder.listen,
                   conf.cinder.port)] if "volume" in self.apps else []),
                threads=threads, operations=endpoints.Operations(
                conf, self.databases, self.messaging))
            # Ports given as 0 were chosen by the OS: the catalog and
            # clouds.yaml must name the real ones.
            for name, group, option in (
                    ("compute", None, "osapi_compute_listen_port"),
                    ("identity", "identity", "port"),
                    ("image", "glance", "port"),
                    ("placement", "placement_api", "port"),
                    ("network", "neutron", "port"),
                    ("volume", "cinder", "port")) + ((
                    ("metadata", "dataplane", "metadata_port"),)
                    if self.dataplane is not None else ()):
                if name not in self.apps:
                    continue
                port = int(self.server.url(name).rsplit(":", 1)[1])
                conf.set_override(option, port, group=group)
            self._start_console_proxies()
        if self.dataplane is not None:
            self.dataplane.start()
        return self

    def cell_messaging(self, cell):
        """The message transport of one of this cloud's Cells."""
        return self.messaging.for_url(cell.transport_url)

    def _conductors(self):
        """The conductor services (not started): one serving everything
        with one cell; else the super conductor on the API level and a
        conductor per cell on its transport, serving its computes (its
        tasks send on the API level: the scheduler is there, and the
        computes of any cell are reached through their cells)."""
        from stratus.conductor import manager as conductor_manager

        def conductor(messaging, cell_uuid=None):
            return service.Service(
                self.conf, messaging, constants.CONDUCTOR_BINARY,
                "conductor", self.conf.host,
                conductor_manager.ConductorManager(
                    self.conf, self.messaging, self.databases,
                    image_api=self._image_api(), cell_uuid=cell_uuid),
                databases=self.databases, cell_uuid=cell_uuid)
        if len(self.cells) <= 1:
            return [conductor(self.messaging)]
        return [conductor(self.messaging)] + [
            conductor(self.cell_messaging(cell), cell.uuid)
            for cell in self.cells]

    def compute_service(self, host, messaging=None):
        """A nova-compute Service (not started) for host, with a driver of
        its own: the fake driver's guests, nodes and consoles belong to
        one host, so hosts are as separate as machines. messaging: its
        cell's transport (the API level's by default)."""
        from stratus.compute import manager as compute_manager
        from stratus.virt import loader as virt_loader
        messaging = messaging or self.messaging
        driver = virt_loader.load_driver(
            self.conf, host, image_api=self._image_api())
        return service.Service(
            self.conf, messaging, constants.COMPUTE_BINARY, "compute",
            host,
            compute_manager.ComputeManager(
                self.conf, messaging, host, driver,
                image_api=self._image_api(),
                network_client=self._network_api(),
                volume_client=self._volume_api()))

    @property
    def computes(self):
        return [svc for svc in self.services
                if svc.binary == constants.COMPUTE_BINARY]

    def _start_console_proxies(self):
        from stratus.console import proxy
        self.console_proxies = [
            console_proxy.start() for console_proxy in
            proxy.proxies_from_conf(self.conf, self.databases)]
        for console_proxy in self.console_proxies:
            proxy.publish_port(self.conf, console_proxy)

    def stop(self):
        for console_proxy in self.console_proxies:
            console_proxy.stop()
        self.console_proxies = []
        if self.server is not None:
            self.server.stop()
            self.server = None
        from stratus.api.volume import app as volume_app
        volume = self.apps.get("volume") if self.apps else None
        if isinstance(volume, volume_app.VolumeApp):
            volume.stop()
        # Callers stop before the services they call, so work in flight
        # never waits out an RPC timeout on a stopped listener: computes
        # call the conductor, the conductor calls the scheduler. The
        # computes stop side by side (each RPC server takes a moment).
        computes = self.computes
        with concurrent.futures.ThreadPoolExecutor(len(computes) or 1) as pool:
            list(pool.map(_stop_compute, computes))
        for svc in sorted(self.services,
                          key=lambda svc: _STOP_ORDER.get(svc.binary, 1)):
            if svc not in computes:
                svc.stop()
        self.services = []
        if self.dataplane is not None:
            self.dataplane.stop()
            self.dataplane = None
        if self.network_agents is not None:
            self.network_agents.stop()
            self.network_agents = None
        if self.messaging is not None:
            self.messaging.cleanup()
            self.messaging = None
        if self.databases is not None:
            self.databases.dispose()

    def endpoint(self, name):
        return self.server.url(name)


def _proxied_metadata(conf):
    """With the dataplane, metadata requests come through its proxies,
    signed with the shared secret (one made up when none is set)."""
    conf.set_override("service_metadata_proxy", True, group="neutron")
    if not conf.neutron.metadata_proxy_shared_secret:
        import secrets
        conf.set_override("metadata_proxy_shared_secret",
                          secrets.token_hex(32), group="neutron")


def _computes(cloud):
    """The banner's line of compute hosts and what they simulate."""
    conf = cloud.conf
    hosts = [compute.host for compute in cloud.computes]
    if conf.compute_driver == "libvirt":
        return "%s (libvirt, virt_type %s)" % (", ".join(hosts),
                                               conf.libvirt.virt_type)
    nodes = conf.fake_driver.nodes
    return "%s (fake driver, %d node%s%s)" % (
        ", ".join(hosts), nodes, "" if nodes == 1 else "s",
        " each" if len(hosts) > 1 else "")


def _cells_line(cloud):
    """The banner's line of cells, when there is more than one."""
    if len(cloud.cells) <= 1:
        return []
    return ["  cells     " + ", ".join(
        "%s (%s)" % (cell.name, ", ".join(
            host for host, its in cloud.host_cells.items()
            if its.uuid == cell.uuid) or "no compute host")
        for cell in cloud.cells)
        + "; a conductor and a message transport each"]


def _absent_computes(cloud):
    """Compute hosts the databases know that this all-in-one does not
    run (an earlier layout of the data directory): down to the API."""
    from stratus import context as stratus_context
    from stratus.objects import service as service_obj
    running = {compute.host for compute in cloud.computes}
    known = service_obj.ServiceList.get_all(
        stratus_context.get_admin_context(cloud.databases),
        binary=constants.COMPUTE_BINARY)
    return sorted({svc.host for svc in known} - running)


def _print_banner(cloud, clouds_yaml):
    conf = cloud.conf
    lines = [
        "Stratus all-in-one is running (data in %s)" % cloud.data_dir,
        "  compute   %s/v2.1" % cloud.endpoint("compute"),
        "  identity  %s/v3" % cloud.endpoint("identity"),
        "  image     %s" % cloud.endpoint("image"),
        "  placement %s" % cloud.endpoint("placement"),
    ] + ([
        "  network   %s" % cloud.endpoint("network"),
    ] if "network" in cloud.apps else []) + ([
        "  volume    %s/v3" % cloud.endpoint("volume"),
    ] if "volume" in cloud.apps else []) + [
        "  services  conductor, scheduler (%s)" % conf.host,
        "  computes  %s" % _computes(cloud),
    ] + _cells_line(cloud)
    absent = _absent_computes(cloud)
    if absent:
        lines.append(
            "  not run   %s (hosts of this data dir's earlier layout: "
            "their servers stay there, down; --hosts 1 runs the host "
            "named [DEFAULT] host, or evacuate them)" % ", ".join(absent))
    lines.append("  auth      %s" % conf.api.auth_strategy)
    if cloud.console_proxies:
        from stratus.console import api as console_api
        lines.append("  consoles  " + ", ".join(
            "%s %s" % (console_proxy.console_type, console_api.base_url(
                conf, console_proxy.console_type))
            for console_proxy in cloud.console_proxies))
    if "metadata" in cloud.apps and cloud.dataplane is not None:
        lines.append("  metadata  %s (behind the dataplane's proxies on "
                     "169.254.169.254 of each network)"
                     % cloud.endpoint("metadata"))
    elif "metadata" in cloud.apps:
        lines.append("  metadata  %s (on bridge %s)" % (
            cloud.endpoint("metadata"), conf.network.bridge))
    if clouds_yaml:
        lines += [
            "  clouds    %s (clouds 'stratus' = admin, 'stratus-demo' = member)"
            % clouds_yaml,
            "Try:  export OS_CLIENT_CONFIG_FILE=%s OS_CLOUD=stratus; "
            "openstack server list" % clouds_yaml,
        ]
    if cloud.dashboard is not None:
        lines.append("  dashboard %s (Horizon; log in as admin or demo, "
                     "passwords in %s)" % (cloud.dashboard.url, os.path.join(
                         cloud.data_dir, "openrc*")))
    lines.append("Ctrl-C stops it; starting it again keeps everything.")
    print("\n".join(lines), flush=True)


def main(conf, args):
    data_dir = configure(
        conf, args.data_dir or default_data_dir(), auth=args.auth,
        nodes=args.nodes, hosts=args.hosts,
        cells=getattr(args, "cells", None),
        ports={(None, "osapi_compute_listen_port"): args.compute_port,
               ("identity", "port"): args.identity_port,
               ("glance", "port"): args.image_port,
               ("placement_api", "port"): args.placement_port,
               ("neutron", "port"): args.network_port,
               ("cinder", "port"): getattr(args, "volume_port", None)})
    if getattr(args, "dashboard", False):
        from stratus import dashboard
        reason = dashboard.missing_reason()
        if reason:
            print("stratus: --dashboard: %s" % reason, file=sys.stderr,
                  flush=True)
            return 1
    cloud = Cloud(conf, data_dir)
    cloud.bootstrap()
    if args.init_only:
        print("Initialized Stratus data in %s" % data_dir)
        return 0
    stop_signals = signals.StopSignals()
    cloud.start()
    steps = [cloud.stop]
    if getattr(args, "dashboard", False):
        try:
            cloud.dashboard = dashboard.start_for(cloud, args)
        except dashboard.DashboardError as error:
            print("stratus: --dashboard: %s" % error, file=sys.stderr,
                  flush=True)
            cloud.stop()
            return 1
        steps.insert(0, cloud.dashboard.stop)
    clouds_yaml = None
    if conf.api.auth_strategy == "builtin":
        from stratus.api.identity import clouds
        clouds_yaml = os.path.join(data_dir, "clouds.yaml")
        clouds.write_clouds_yaml(clouds_yaml, conf)
        clouds.write_openrc_files(data_dir, conf)
    _print_banner(cloud, clouds_yaml)
    stop_signals.wait()
    print("Stopping Stratus ...", flush=True)
    signals.stop_and_exit(
        steps + [lambda: print("Stopped.", flush=True)],
        stop_bound(conf), "twice graceful_shutdown_timeout")


def stop_bound(conf):
    """Seconds the whole all-in-one takes at most to stop: its computes
    first, side by side, each within [DEFAULT] graceful_shutdown_timeout
    (what they run finishes or is handed back), then the control plane
    within as long again."""
    return 2 * conf.graceful_shutdown_timeout
