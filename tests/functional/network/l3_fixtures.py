"""What the router, floating IP and auto-allocation tests share: the
network app called in-process, and subnets and ports written straight
through the store cores (this branch has no subnets or ports API)."""
import json

import pytest
import webob

from stratus.api.network import app as network_app
from stratus.network.store import ports
from stratus.network.store import topology

ALICE = "alice:project-a"
BOB = "bob:project-b"
ADMIN = "admin:admin"


class Client:
    def __init__(self, app):
        self.app = app

    def call(self, method, path, body=None, token=ALICE):
        req = webob.Request.blank(path, method=method, headers={
            "X-Auth-Token": token, "Accept": "application/json"})
        if body is not None:
            req.body = json.dumps(body).encode()
            req.content_type = "application/json"
        response = req.get_response(self.app)
        document = json.loads(response.body) if response.body else None
        return response.status_int, document

    def ok(self, method, path, body=None, token=ALICE, status=None):
        code, document = self.call(method, path, body, token)
        expected = status or {"POST": 201, "DELETE": 204}.get(method, 200)
        assert code == expected, (code, document)
        return document

    def error(self, method, path, body=None, token=ALICE, status=400):
        """The Neutron error type of a refused request."""
        code, document = self.call(method, path, body, token)
        assert code == status, (code, document)
        return document["NeutronError"]["type"]


@pytest.fixture
def net(conf, databases):
    client = Client(network_app.make_app(conf, databases))
    client.databases = databases
    client.conf = conf
    return client


def network(client, name, token=ALICE, **attributes):
    return client.ok("POST", "/v2.0/networks", {"network": dict(
        name=name, **attributes)}, token=token)["network"]


def external_network(client, name="public", **attributes):
    return network(client, name, token=ADMIN, **{"router:external": True},
                   **attributes)


def subnet(client, network_id, cidr, project_id="project-a", gateway=True):
    """A subnet row (its first address the gateway unless gateway=False),
    as the subnets API will make it: {"id", "cidr", "gateway_ip"}."""
    with client.databases.api.writer() as session:
        row = topology.add_subnet(session, network_id, project_id, cidr,
                                  "subnet-" + cidr)
        if not gateway:
            row.gateway_ip = None
        return {"id": row.id, "cidr": row.cidr, "gateway_ip": row.gateway_ip,
                "network_id": network_id}


def port(client, network_id, project_id="project-a", fixed_ips=None):
    """A port of a server: {"id", "fixed_ips"}."""
    with client.databases.api.writer() as session:
        row = ports.add_port(session, network_id, project_id,
                             fixed_ips=fixed_ips, device_owner="compute:nova",
                             device_id="")
        return {"id": row.id,
                "fixed_ips": ports.fixed_ips(session, [row.id])[row.id]}
