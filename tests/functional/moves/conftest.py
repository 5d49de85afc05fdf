"""Moves through the Compute API on the in-process cloud with two compute
hosts of one fake node each (``stratus-test`` and ``host01``)."""
import time

import pytest
import webob

from tests.functional import cloud as cloud_harness
from tests.functional.scheduling import fixtures


def _eventually(read, expected, timeout):
    """read(), once it returns expected or timeout seconds passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if value == expected or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


class Moves(fixtures.ManyHosts):
    """Two hosts, an admin and a demo client, and ways to watch a move."""

    def __init__(self, running, hosts=2):
        super().__init__(running, hosts)
        self.admin = self.api
        self.computes = {svc.host: svc.manager for svc in
                         list(running.services) + self.extra
                         if svc.binary == "nova-compute"}
        self.conductor = next(svc.manager for svc in running.services
                              if svc.binary == "nova-conductor")

    def ctx(self):
        """An admin RequestContext of the cloud."""
        from stratus import context
        return context.get_admin_context(self.cloud.databases)

    def driver(self, host):
        return self.computes[host].driver

    def clear_failures(self):
        for manager in self.computes.values():
            manager.driver.clear_failures()

    def act(self, server_id, body, client=None, version=None):
        return (client or self.demo).request(
            "POST", "/v2.1/servers/%s/action" % server_id, body,
            version=version)

    def evacuate(self, server_id, body=None, version="2.68", expected=200):
        """The admin's evacuate, answered with the expected status."""
        response = self.act(server_id, {"evacuate": body or {}},
                            client=self.admin, version=version)
        assert response.status_int == expected, response.text
        return response

    def active(self, flavor="1", client=None):
        server_id = self.boot(client=client, flavorRef=flavor)
        server = self.settled(server_id)
        assert server["status"] == "ACTIVE", server
        return self.admin.server(server_id)

    def wait(self, server_id, statuses, timeout=30):
        """The server (as admin sees it) once its status is one of
        statuses and no task runs."""
        deadline = time.monotonic() + timeout
        while True:
            server = self.admin.server(server_id)
            if server["status"] in statuses \
                    and server["OS-EXT-STS:task_state"] is None:
                return server
            if time.monotonic() > deadline:
                raise AssertionError("server %s stays %s (%s)" % (
                    server_id, server["status"],
                    server["OS-EXT-STS:task_state"]))
            time.sleep(0.02)

    def placement(self, path):
        req = webob.Request.blank(path, headers={
            "X-Auth-Token": cloud_harness.ADMIN,
            "OpenStack-API-Version": "placement 1.39"})
        response = req.get_response(self.cloud.apps["placement"])
        assert response.status_int == 200, response.text
        return response.json

    def usages(self):
        """{provider name: {resource class: used}} of every provider."""
        return {provider["name"]: self.placement(
            "/resource_providers/%s/usages" % provider["uuid"])["usages"]
            for provider in self.placement("/resource_providers")[
                "resource_providers"]}

    def usages_settle(self, expected, timeout=10):
        """The usages, once they are expected (placement is the API
        database, the server's state its cell's: a change to both lands
        in one and then the other)."""
        return _eventually(self.usages, expected, timeout)

    def used_settle(self, expected, timeout=10):
        """used(), once it is expected (as usages_settle)."""
        return _eventually(self.used, expected, timeout)

    def used(self):
        """{provider name: usages} of the providers holding anything."""
        return {name: used for name, used in self.usages().items()
                if any(used.values())}

    def service(self, host):
        """The compute Service of host (to stop and start it)."""
        return next(svc for svc in list(self.cloud.services) + self.extra
                    if svc.host == host and svc.binary == "nova-compute")

    def host_of(self, server_id):
        return self.admin.server(server_id)["OS-EXT-SRV-ATTR:host"]

    def allocations(self, consumer):
        """{provider name: resources} of a consumer."""
        names = {provider["uuid"]: provider["name"] for provider in
                 self.placement("/resource_providers")["resource_providers"]}
        return {names[uuid]: body["resources"] for uuid, body in
                self.placement("/allocations/%s" % consumer)[
                    "allocations"].items()}

    def other_host(self, server):
        """(its host, the other host) of a server on a two-host cloud (the
        first of the others on more)."""
        source = server["OS-EXT-SRV-ATTR:host"]
        return source, next(host for host in self.computes if host != source)

    def set_service(self, host, **changes):
        """PUT os-services (2.53) of host's compute, e.g. forced_down."""
        service, = self.admin.get("/os-services?host=%s&binary=nova-compute"
                                  % host, version="2.53")["services"]
        self.admin.put("/os-services/%s" % service["id"], changes,
                       version="2.53")

    def host_down(self, host):
        """The compute of host stops and an admin marks it forced down."""
        self.service(host).stop()
        self.set_service(host, forced_down=True)

    def host_back(self, host):
        self.set_service(host, forced_down=False)
        self.service(host).start()

    def set_power_state(self, server_id, power_state):
        """The power state the database holds of the server (as a sync
        that has not run yet would leave it)."""
        from stratus import context
        from stratus.objects import instance as instance_obj
        ctx = context.get_admin_context(self.cloud.databases)
        with ctx.target_cell(self.cell_of(server_id)) as cctx:
            instance = instance_obj.Instance.get_by_uuid(cctx, server_id)
            instance.power_state = power_state
            instance.save()

    def cell_of(self, server_id):
        from stratus.objects import instance_mapping
        return instance_mapping.InstanceMapping.get_by_instance_uuid(
            self.ctx(), server_id).cell_uuid

    def compute_node_of(self, server_id):
        """(the server's compute_id, the id of the node its host and node
        name): they agree once a move settled."""
        from stratus.objects import compute_node
        from stratus.objects import instance as instance_obj
        ctx = self.ctx()
        with ctx.target_cell(self.cell_of(server_id)) as cctx:
            instance = instance_obj.Instance.get_by_uuid(cctx, server_id)
            node = compute_node.ComputeNode.get_by_host_and_nodename(
                cctx, instance.host, instance.node)
        return instance.compute_id, node.id

    def in_progress(self, server_id, ready, version="2.80", timeout=30):
        """The server's in-progress migration once ready(migration)."""
        deadline = time.monotonic() + timeout
        while True:
            listed = self.admin.get("/servers/%s/migrations" % server_id,
                                    version=version)["migrations"]
            if listed and ready(listed[0]):
                return listed[0]
            assert time.monotonic() < deadline, listed
            time.sleep(0.02)

    def migrations(self, server_id=None, version="2.80", **query):
        if server_id is not None:
            query["instance_uuid"] = server_id
        path = "/os-migrations"
        if query:
            path += "?" + "&".join("%s=%s" % item for item in query.items())
        return self.admin.get(path, version=version)["migrations"]

    def events(self, server_id, action_name):
        """The events {name: event} of the newest action called
        action_name (2.84)."""
        actions = self.admin.get("/servers/%s/os-instance-actions"
                                 % server_id)["instanceActions"]
        action = next(a for a in actions if a["action"] == action_name)
        detail = self.admin.get("/servers/%s/os-instance-actions/%s" % (
            server_id, action["request_id"]), version="2.84")[
            "instanceAction"]
        return {event["event"]: event for event in detail["events"]}


def start(conf, urls, tmp_path, hosts=2, env_class=None, **overrides):
    """A started env_class (Moves unless given) of hosts compute hosts,
    with [DEFAULT] overrides."""
    for name, value in overrides.items():
        conf.set_override(name, value)
    # Hosts of one node each: "the other host" is unambiguous.
    conf.set_override("host_cache_seconds", 0.0, group="scheduler")
    running = cloud_harness.start_cloud(conf, urls, tmp_path, nodes=1)
    return (env_class or Moves)(running, hosts)


@pytest.fixture
def moves(conf, databases, cloud_urls, tmp_path):
    """On each database backend (the moves' transactions are the
    subject)."""
    env = start(conf, cloud_urls, tmp_path)
    yield env
    env.stop()


@pytest.fixture
def moves_sqlite(conf, sqlite_cloud_urls, tmp_path):
    """On SQLite only (API shapes and microversions are the subject)."""
    env = start(conf, sqlite_cloud_urls, tmp_path)
    yield env
    env.stop()


@pytest.fixture
def moves_three_hosts(conf, sqlite_cloud_urls, tmp_path):
    env = start(conf, sqlite_cloud_urls, tmp_path, hosts=3)
    yield env
    env.stop()


@pytest.fixture
def moves_same_host(conf, sqlite_cloud_urls, tmp_path):
    env = start(conf, sqlite_cloud_urls, tmp_path,
                allow_resize_to_same_host=True)
    yield env
    env.stop()


@pytest.fixture
def moves_auto_confirm(conf, sqlite_cloud_urls, tmp_path):
    env = start(conf, sqlite_cloud_urls, tmp_path, resize_confirm_window=1)
    yield env
    env.stop()


@pytest.fixture
def stopping(conf, sqlite_cloud_urls, tmp_path):
    """Moves whose conductor is made to stop in the middle: the stuck
    check runs only when a test calls it (check_after_deadline), moves
    and actions (an evacuation's rebuild task) have a one-second
    deadline."""
    conf.set_override("stuck_check_interval", 0, group="conductor")
    conf.set_override("move_timeout", 1, group="conductor")
    conf.set_override("action_timeout", 1, group="conductor")
    env = start(conf, sqlite_cloud_urls, tmp_path)
    yield env
    env.stop()


def check_after_deadline(env):
    """One pass of the conductor's stuck check once the deadlines of
    stopping have passed; what it did."""
    from stratus import context
    time.sleep(1.2)
    return env.conductor.stuck_states.run(
        context.get_admin_context(env.cloud.databases))
