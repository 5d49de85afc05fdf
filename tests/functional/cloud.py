"""The whole stack in one process, for functional tests.

``StackClient`` talks to the in-process Compute app through WSGI (no
sockets) with noauth tokens; ``Cloud`` is the same class the all-in-one
runs, pointed at the test databases.
"""
import datetime
import json
import time

import sqlalchemy as sa
import webob

from stratus.cmd import all_in_one
from stratus.db import cell_models
from stratus.db.types import utcnow
from tests import conftest as root_conftest

ADMIN = "admin:admin"
DEMO = "demo:demo"


class ApiError(AssertionError):
    pass


class StackClient:
    def __init__(self, app, token=ADMIN, version="2.100"):
        self.app = app
        self.token = token
        self.version = version

    def as_user(self, token, version=None):
        return StackClient(self.app, token, version or self.version)

    def request(self, method, path, body=None, version=None, token=None,
                headers=None):
        all_headers = {"X-Auth-Token": self.token if token is None else token,
                       "OpenStack-API-Version": "compute %s" % (version or self.version)}
        all_headers.update(headers or {})
        req = webob.Request.blank(path, method=method, headers=all_headers)
        if body is not None:
            req.body = body if isinstance(body, bytes) else json.dumps(body).encode()
            req.content_type = "application/json"
        return req.get_response(self.app)

    def _ok(self, response, expected):
        if response.status_int not in expected:
            raise ApiError("%s: %s" % (response.status, response.text))
        return response.json if response.body else None

    def get(self, path, **kw):
        return self._ok(self.request("GET", "/v2.1" + path, **kw), (200,))

    def post(self, path, body, expected=(200, 201, 202), **kw):
        return self._ok(self.request("POST", "/v2.1" + path, body, **kw), expected)

    def put(self, path, body, expected=(200, 201, 204), **kw):
        return self._ok(self.request("PUT", "/v2.1" + path, body, **kw), expected)

    def delete(self, path, expected=(202, 204), **kw):
        return self._ok(self.request("DELETE", "/v2.1" + path, **kw), expected)

    # Servers ----------------------------------------------------------
    def create_server(self, name="vm", flavor="1", image=None, **extra):
        body = {"name": name, "flavorRef": flavor, "networks": "none"}
        if image:
            body["imageRef"] = image
        body.update(extra)
        return self.post("/servers", {"server": body})

    def server(self, server_id):
        return self.get("/servers/%s" % server_id)["server"]

    def wait_for_status(self, server_id, statuses, timeout=10):
        if isinstance(statuses, str):
            statuses = {statuses}
        deadline = time.monotonic() + timeout
        while True:
            server = self.server(server_id)
            if server["status"] in statuses:
                return server
            if time.monotonic() > deadline:
                raise ApiError("server %s stayed %s (wanted %s)"
                               % (server_id, server["status"], statuses))
            time.sleep(0.01)

    def wait_for_deleted(self, server_id, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            response = self.request("GET", "/v2.1/servers/%s" % server_id)
            if response.status_int == 404:
                return
            if time.monotonic() > deadline:
                raise ApiError("server %s not deleted: %s" % (server_id, response.text))
            time.sleep(0.01)

    def first_image_id(self):
        return self.app_images()[0]["id"]

    def app_images(self):
        return self.get("/images", version="2.35")["images"]


# Networks some tests find in a started cloud's built-in network service
# (the gabbi files networks-*.yaml, the API samples), made through its
# Neutron API: (token, network). Beside them is the external network
# "public" the bootstrap makes; carol:project-c sees "public" only.
NETWORK_SEEDS = [
    ("alice:project-a", {"name": "private-a"}),
    ("bob:project-b", {"name": "private-b"}),
]


def seed_networks(cloud):
    for token, network in NETWORK_SEEDS:
        request = webob.Request.blank(
            "/v2.0/networks", method="POST", json={"network": network},
            headers={"X-Auth-Token": token})
        response = request.get_response(cloud.apps["network"])
        assert response.status_code == 201, response.text


def start_cloud(conf, urls, data_dir, nodes=3, serve_http=False,
                auth="noauth", hosts=1, cells=1, **overrides):
    """A started all-in-one Cloud on the given database URLs: one compute
    host (``stratus-test``) of nodes fake nodes unless hosts says more
    (then compute1 ... computeN, as the all-in-one runs by default);
    hosts or nodes None keep the all-in-one's defaults. cells: how many
    (each its own database, transport and conductor); cells beyond one
    use urls["cell2"] ... (the fixture cell_urls)."""
    conf.set_override("cells", cells, group="all_in_one")
    conf.set_override("connection", urls["api"], group="api_database")
    conf.set_override("connection", urls["cell1"], group="database")
    conf.set_override("state_path", str(data_dir))
    conf.set_override("host", "stratus-test")
    conf.set_override("auth_strategy", auth, group="api")
    for group, name, value in (("fake_driver", "nodes", nodes),
                               ("all_in_one", "compute_hosts", hosts)):
        if value is not None:
            conf.set_override(name, value, group=group)
    for (group, name), value in overrides.items():
        conf.set_override(name, value, group=group)
    if serve_http:
        for group, name in ((None, "osapi_compute_listen_port"),
                            ("identity", "port"), ("glance", "port"),
                            ("placement_api", "port"), ("neutron", "port"),
                            ("serial_console", "serialproxy_port"),
                            ("vnc", "novncproxy_port"), ("cinder", "port")):
            conf.set_override(name, 0, group=group)
    cloud = all_in_one.Cloud(
        conf, str(data_dir), serve_http=serve_http, cell0_url=urls["cell0"],
        cell_urls={name: url for name, url in urls.items()
                   if name not in ("api", "cell0", "cell1")})
    # The tests' shared databases are migrated already (tests/conftest.py).
    cloud.bootstrap(migrate=not root_conftest.migrated(urls))
    return cloud.start()


def age_heartbeats(database_url, hosts, seconds_ago):
    """The last heartbeats of these hosts' computes in the cell database
    at database_url, seconds_ago (as an outage, or a stop, longer than
    service_down_time leaves them)."""
    services = cell_models.Service.__table__
    then = utcnow() - datetime.timedelta(seconds=seconds_ago)
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.update(services).where(
                services.c.binary == "nova-compute",
                services.c.host.in_(hosts)).values(last_seen_up=then))
    finally:
        engine.dispose()
