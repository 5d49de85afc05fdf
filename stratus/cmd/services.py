"""`stratus api|conductor|scheduler|compute|network|volume`: one service per process, for
distributed deployments.

Each process reads its config files, talks oslo.messaging over
``[DEFAULT] transport_url`` (RabbitMQ) and, except the compute, opens the
databases of ``[api_database]`` and ``[database]`` connection (a
conductor without ``[api_database]`` is a cell conductor: only its
cell's database). SIGTERM or
SIGINT stops it cleanly, and within ``[DEFAULT] graceful_shutdown_timeout``
seconds: what has not stopped by then is left behind and the process
exits (its logs flushed).
"""
import logging

from stratus.cmd import profiling
from stratus.cmd import signals
from stratus.db import api as db_api
from stratus.observability import endpoints
from stratus import rpc
from stratus import service as stratus_service
from stratus import constants

LOG = logging.getLogger(__name__)


def run_conductor(conf):
    """The super conductor (with [api_database] connection: builds,
    scheduling, moves; in a single-cell layout also its cell's), or a
    cell conductor (without it: only its cell's [database] connection,
    placement over REST from [placement]; docs/cells.md)."""
    from stratus.api.image import app as image_app
    from stratus.conductor import manager
    from stratus.conductor import placement_report

    def conductor(conf, messaging, databases):
        # The super conductor holds the API database: without [glance]
        # api_servers it reads images from the built-in app in-process.
        # A cell conductor needs none (unshelving is the super's).
        return manager.ConductorManager(
            conf, messaging, databases,
            image_api=(image_app.image_api(conf, databases)
                       if databases.has_api else None))
    databases = placement_report.attach(
        db_api.Databases.for_service(conf), conf)
    if not databases.has_api:
        LOG.info("No [api_database] connection: a cell conductor for the "
                 "cell of [database] connection")
    return _run_service(conf, constants.CONDUCTOR_BINARY, "conductor",
                        conductor, databases)


def run_scheduler(conf):
    from stratus.scheduler import manager
    return _run_service(conf, constants.SCHEDULER_BINARY, "scheduler",
                        manager.SchedulerManager)


def run_compute(conf):
    from stratus.compute import manager
    from stratus.virt import loader as virt_loader
    messaging = rpc.Messaging(conf)
    health = _health_listener(conf, None, messaging)
    compute = manager.ComputeManager(
        conf, messaging, conf.host, virt_loader.load_driver(conf, conf.host))
    service = stratus_service.Service(
        conf, messaging, constants.COMPUTE_BINARY, "compute", conf.host,
        compute)
    return _serve_until_signalled(conf, [service.start, health.start], [
        health.stop, service.stop, messaging.cleanup])


def run_api(conf):
    """The Compute and Placement APIs and, when Stratus provides them itself, the
    identity (``[api] auth_strategy = builtin``) and image (no
    ``[glance] api_servers``) services; the metadata service when
    ``[DEFAULT] enabled_apis`` names it. The compute API reaches the
    network service at [neutron] endpoint_override (or the catalog's),
    else the built-in one in-process over the same databases."""
    from stratus import wsgi_server
    databases = db_api.Databases.from_conf(conf)
    # As Nova's API: not with computes it cannot serve.
    from stratus import context as stratus_context
    from stratus.objects import service as service_obj
    service_obj.raise_if_old_compute(
        stratus_context.get_admin_context(databases))
    messaging = rpc.Messaging(conf).bind_cells(databases)
    bootstrap_api(conf, databases)
    apps = api_listeners(conf, databases, messaging)
    if conf.healthcheck_port is not None:
        apps.append(health_listener(conf))
    operations = endpoints.Operations(conf, databases, messaging)
    servers = []
    return _serve_until_signalled(
        conf, [lambda: servers.append(wsgi_server.serve(
            apps, threads=conf.osapi_compute_workers,
            operations=operations))],
        [lambda: [server.stop() for server in servers], messaging.cleanup,
         databases.dispose])


def api_listeners(conf, databases, messaging):
    """(name, app, address, port) of every API `stratus api` serves."""
    from stratus.api.compute import app as compute_app
    from stratus.api import network_client
    from stratus.api import volume_client
    apps, image_api, validator = [], None, None
    if conf.api.auth_strategy == "builtin":
        from stratus.api.identity import app as identity_app
        from stratus.identity import tokens
        validator = tokens.validator_from_conf(conf, databases)
        apps.append(("identity", identity_app.make_app(conf, databases),
                     conf.identity.listen, conf.identity.port))
    if not conf.glance.api_servers:
        from stratus.api.image import app as image_app
        from stratus.image import client as image_client
        image, in_process = image_app.make_apps(conf, databases,
                                                token_validator=validator)
        image_api = image_client.ImageAPI.built_in(conf, in_process)
        apps.append(("image", image, conf.glance.listen, conf.glance.port))
    from stratus.api.placement import app as placement_app
    apps.append(("placement", placement_app.make_app(
        conf, databases, token_validator=validator),
        conf.placement_api.listen, conf.placement_api.port))
    if "metadata" in conf.enabled_apis:
        apps.append(metadata_listener(conf, databases))
    apps.insert(0, ("compute", compute_app.make_app(
        conf, databases, messaging, token_validator=validator,
        image_api=image_api,
        network_api=network_client.network_api(conf, databases, validator),
        volume_api=volume_client.volume_api(conf, databases, validator)),
        conf.osapi_compute_listen,
        conf.osapi_compute_listen_port))
    return apps


def run_network(conf):
    """The built-in network service (the Neutron v2.0 API) on [neutron]
    listen and port, over the API database."""
    from stratus import wsgi_server
    from stratus.network import bootstrap as network_bootstrap
    databases = db_api.Databases.from_conf(conf)
    network_bootstrap.ensure_public_network(conf, databases)
    messaging = rpc.Messaging(conf)
    dataplane = make_dataplane(conf, databases)
    agents = network_agent_servers(conf, messaging, databases,
                                   dataplane=dataplane)
    apps = [network_listener(conf, databases, dataplane=dataplane)]
    if conf.healthcheck_port is not None:
        apps.append(health_listener(conf))
    servers = []
    return _serve_until_signalled(
        conf, [agents.start, lambda: servers.append(wsgi_server.serve(
            apps, threads=conf.osapi_compute_workers,
            operations=endpoints.Operations(conf, databases, messaging,
                                            count_servers=False)))]
        + ([dataplane.start] if dataplane else []),
        [lambda: [server.stop() for server in servers], agents.stop]
        + ([dataplane.stop] if dataplane else [])
        + [messaging.cleanup, databases.dispose])


def make_dataplane(conf, databases):
    """The host's dataplane (not started) when [dataplane] enables it."""
    from stratus.network import dataplane
    if not dataplane.enabled(conf):
        return None
    from stratus.network.dataplane import agent
    return agent.Dataplane(conf, databases)


class _Servers:
    """Several RPC servers started and stopped as one."""

    def __init__(self, servers):
        self.servers = servers

    def start(self):
        for server in self.servers:
            server.start()

    def stop(self):
        for server in self.servers:
            server.stop()
            server.wait()


def network_agent_servers(conf, messaging, databases, compute_app=None,
                          dataplane=None):
    """The network service's agent RPC servers: on its own transport and
    on each cell's (the computes of a cell report on their cell's message
    queue). Cells mapped after the service started are served once it
    restarts."""
    from stratus import context as stratus_context
    from stratus.objects import cell_mapping as cell_mapping_obj
    cells = cell_mapping_obj.CellMappingList.get_all(
        stratus_context.get_admin_context(databases)).host_cells()
    transports = {id(messaging): messaging}
    for cell in cells:
        cell_messaging = messaging.for_url(cell.transport_url)
        transports.setdefault(id(cell_messaging), cell_messaging)
    return _Servers([network_agent_server(conf, each, databases,
                                          compute_app=compute_app,
                                          dataplane=dataplane)
                     for each in transports.values()])


def network_agent_server(conf, messaging, databases, compute_app=None,
                         dataplane=None):
    """The built-in network service's RPC server for its agents (topic
    network: the computes report their plugged ports), telling the
    compute API of port events (in this process's compute_app when given,
    a callable, else over HTTP)."""
    from stratus.network import agent_endpoint
    from stratus.network import compute_notifier
    from stratus.network import rpcapi as network_rpcapi
    notifier = compute_notifier.ComputeNotifier.from_conf(
        conf, in_process_app=compute_app)
    return messaging.server(
        network_rpcapi.TOPIC, conf.host,
        [agent_endpoint.AgentEndpoint(databases, notifier, dataplane)],
        databases)


def network_listener(conf, databases, token_validator=None, dataplane=None):
    """(name, app, address, port) of the built-in network service."""
    from stratus.api.network import app as network_app
    return ("network", network_app.make_app(conf, databases,
                                            token_validator, dataplane),
            conf.neutron.listen, conf.neutron.port)


def run_volume(conf):
    """The built-in block storage service (the Cinder v3 API) on
    [cinder] listen and port, over the API database and the volume
    files of [cinder] volumes_dir."""
    from stratus import wsgi_server
    databases = db_api.Databases.from_conf(conf)
    name, app, address, port = volume_listener(conf, databases)
    apps = [(name, app, address, port)]
    if conf.healthcheck_port is not None:
        apps.append(health_listener(conf))
    servers = []
    return _serve_until_signalled(
        conf, [lambda: servers.append(wsgi_server.serve(
            apps, threads=conf.osapi_compute_workers,
            operations=endpoints.Operations(conf, databases,
                                            count_servers=False)))],
        [lambda: [server.stop() for server in servers],
         getattr(app, "stop", lambda: None), databases.dispose])


def volume_listener(conf, databases, token_validator=None, image_api=None):
    """(name, app, address, port) of the built-in block storage service,
    its types made and what a stopped service left midway finished or
    failed (VolumeApp.start)."""
    from stratus.api.volume import app as volume_app
    served = volume_app.VolumeApp(conf, databases, token_validator,
                                  image_api)
    served.start()
    from stratus.api import auth
    return ("volume", auth.wrap_with_keystone(
        conf, served, public_paths=volume_app.routes.PUBLIC),
        conf.cinder.listen, conf.cinder.port)


def run_serialproxy(conf):
    return _run_console_proxy(conf, "serial",
                              conf.serial_console.serialproxy_host,
                              conf.serial_console.serialproxy_port)


def run_novncproxy(conf):
    return _run_console_proxy(conf, "novnc", conf.vnc.novncproxy_host,
                              conf.vnc.novncproxy_port)


def _run_console_proxy(conf, console_type, host, port):
    """A console proxy: it reads the tokens in the API database."""
    from stratus.console import proxy
    databases = db_api.Databases.from_conf(conf)
    console_proxy = proxy.ConsoleProxy(conf, databases, console_type, host,
                                       port)
    return _serve_until_signalled(conf, [console_proxy.start],
                                  [console_proxy.stop, databases.dispose])


def metadata_listener(conf, databases):
    """(name, app, address, port) of the metadata service. It answers the
    guests of the compute host named [DEFAULT] host, whose bridge carries
    the metadata address."""
    from stratus.api.metadata import app as metadata_app
    port = conf.metadata_listen_port
    return ("metadata", metadata_app.make_app(conf, databases),
            conf.metadata_listen or conf.network.metadata_address,
            conf.network.metadata_port if port is None else port)


def bootstrap_api(conf, databases):
    """What the API needs in its databases before it serves (idempotent):
    the default flavors, and the built-in services' users, images,
    metadata definitions and default external network."""
    from stratus import context as stratus_context
    from stratus.objects import flavor
    flavor.Flavor.ensure_defaults(stratus_context.get_admin_context(databases))
    if conf.api.auth_strategy == "builtin":
        from stratus.identity import bootstrap as identity_bootstrap
        identity_bootstrap.bootstrap(conf, databases)
    if not conf.glance.api_servers:
        from stratus.image import bootstrap as image_bootstrap
        image_bootstrap.ensure_default_images(conf, databases)
        image_bootstrap.ensure_default_metadefs(conf, databases)
    if not conf.neutron.endpoint_override:
        from stratus.network import bootstrap as network_bootstrap
        network_bootstrap.ensure_public_network(conf, databases)


def _run_service(conf, binary, topic, manager_class, databases=None):
    if databases is None:
        databases = db_api.Databases.from_conf(conf)
    messaging = rpc.Messaging(conf)
    if conf.api_database.connection:
        # It reaches computes through their cells' transports.
        messaging.bind_cells(databases)
    health = _health_listener(conf, databases, messaging)
    service = stratus_service.Service(
        conf, messaging, binary, topic, conf.host,
        manager_class(conf, messaging, databases), databases=databases)
    return _serve_until_signalled(
        conf, [service.start, health.start],
        [health.stop, service.stop, messaging.cleanup, databases.dispose])


class _NoListener:
    def start(self):
        pass

    def stop(self):
        pass


def _health_listener(conf, databases, messaging):
    """The /healthcheck and /metrics listener of a service without an
    API, when [DEFAULT] healthcheck_port asks for one: bound at once, so
    a taken port stops the process before its service starts; it answers
    once started, after the service."""
    if conf.healthcheck_port is None:
        return _NoListener()
    from stratus import wsgi_server
    return wsgi_server.Server(
        [health_listener(conf)], threads=2,
        operations=endpoints.Operations(conf, databases, messaging,
                                        count_servers=False))


def health_listener(conf):
    """(name, app, address, port) of the health listener."""
    return ("health", endpoints.not_found, conf.healthcheck_listen,
            conf.healthcheck_port)


def _serve_until_signalled(conf, starts, stops):
    stop_signals = signals.StopSignals()
    profiling.install()
    for start in starts:
        start()
    LOG.info("Signal %d received, stopping", stop_signals.wait())
    signals.stop_and_exit(stops, conf.graceful_shutdown_timeout)
