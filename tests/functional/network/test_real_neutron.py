"""The Neutron client checks (tests/functional/network/test_neutron_client.py)
against a real neutron-server (Neutron 29.0.0, ML2, on MariaDB), and a
server's ports as a Stratus compute takes, binds, moves (multiple port
bindings) and frees them (stratus.network.server_ports) against it.

Slow: the server is installed by tools/install-neutron.sh into
/opt/stratus-neutron (or $STRATUS_NEUTRON_VENV) and started once for the
module by tools/neutron_serve.py (which says what runs: the ML2 `test`
mechanism driver binds the hosts host-bridge-filter and
host-ovs-no_filter without an agent; tokens as Stratus's noauth ones).
Skipped when it is not installed or MariaDB is not running."""
import os
import subprocess
import uuid

import pytest

from stratus import client_exception
from stratus.network import neutron
from stratus.network import server_ports
from tests import dbs
from tests.functional import served
from tests.functional.network import test_neutron_client as checks
from tests.functional.network.test_neutron_client import (  # noqa: F401
    seeded,
    test_a_second_binding_is_activated_and_the_first_deleted,
    test_another_projects_network_is_not_found,
    test_extensions_are_asked_once_per_interval,
    test_floating_ip_pools_are_the_external_networks,
    test_floating_ips_of_ports,
    test_list_networks_as_the_caller_sees_them,
    test_list_networks_with_filters_and_fields,
    test_no_token_over_http_is_refused,
    test_odd_ids_stay_one_path_segment,
    test_ports_are_made_bound_found_and_deleted,
    test_security_groups_of_a_project,
    test_show_network,
)

# One worker runs them all, against one neutron-server.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("real_neutron")]

VENV = os.environ.get("STRATUS_NEUTRON_VENV", "/opt/stratus-neutron")
PYTHON = os.path.join(VENV, "bin", "python")
SERVE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools",
                     "neutron_serve.py")
ADMIN = checks.ADMIN


def _installed():
    if not os.path.exists(PYTHON):
        return False
    return subprocess.run([PYTHON, "-c", "import neutron.wsgi"],
                          capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def neutron_url(tmp_path_factory):
    """The URL of a real neutron-server on a fresh database."""
    if not _installed():
        pytest.skip("no Neutron in %s: run tools/install-neutron.sh" % VENV)
    if not dbs.service_running("mysql"):
        pytest.skip("MariaDB is not running")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    database = dbs.create_database("mysql", "neutron_test" + (
        "_" + worker if worker else ""), None)
    state_dir = tmp_path_factory.mktemp("neutron")
    with served.started(PYTHON, SERVE, state_dir, database,
                        "serve.log") as url:
        yield url


class Recorder:
    """The paths of the requests a client makes (as the built-in
    checks' Counting app sees them)."""

    def __init__(self, client):
        self.paths = []
        self.real = client.transport.request
        client.transport.request = self.request

    def request(self, ctx, method, path, headers, body=None):
        self.paths.append(path.split("?")[0])
        return self.real(ctx, method, path, headers, body)


@pytest.fixture
def network_api(conf, neutron_url):
    """(NeutronAPI over HTTP to the real neutron-server, Recorder), the
    server emptied of what the previous test made."""
    conf.set_override("endpoint_override", neutron_url, group="neutron")
    client = neutron.NeutronAPI.from_conf(conf)
    _empty(client)
    yield client, Recorder(client)


def _empty(client):
    admin = ADMIN.elevated()
    for floating in client.list_floating_ips(admin):
        client._call(admin, "DELETE", "/v2.0/floatingips/" + floating["id"],
                     "floatingip", ok=(204,))
    for port in client.list_ports(admin,
                                  device_owner="network:router_interface"):
        client._call(admin, "PUT", "/v2.0/routers/%s/remove_router_interface"
                     % port["device_id"], "router",
                     body={"port_id": port["id"]})
    for router in client._list(admin, "routers", "router", {}):
        client._call(admin, "DELETE", "/v2.0/routers/" + router["id"],
                     "router", ok=(204,))
    for port in client.list_ports(admin):
        client.delete_port(admin, port["id"])
    for network in client.list_networks(admin):
        client._call(admin, "DELETE", "/v2.0/networks/" + network["id"],
                     "network", ok=(204,))
    for group in client.list_security_groups(admin):
        if group["name"] != "default":
            client._call(admin, "DELETE", "/v2.0/security-groups/"
                         + group["id"], "security_group", ok=(204,))


class Instance(dict):
    """What ServerPorts reads of a server."""

    def __init__(self, project_id):
        super().__init__(availability_zone="nova")
        self.uuid = str(uuid.uuid4())
        self.project_id = project_id


def test_a_servers_ports_taken_moved_live_and_freed(
        conf, network_api, seeded):  # noqa: F811
    """As a compute does it: a port made and bound for the server, its
    network info, an INACTIVE binding on the destination of a live
    migration, activated (the source's deleted), or deleted when the
    migration rolls back; the port deleted with the server."""
    client, _ = network_api
    alice = checks.ALICE
    network = seeded["private-a"]
    subnet = checks._subnet(client, alice, network, "10.2.0.0/24")
    ports = server_ports.ServerPorts(conf, checks.HOST, client)
    instance = Instance("project-a")
    [vif] = ports.allocate_for_instance(alice, instance, [
        {"network_id": network["id"]}])
    assert vif["type"] == "bridge"
    assert vif["network"]["id"] == network["id"]
    assert vif["network"]["subnets"][0]["cidr"] == subnet["cidr"]
    [port] = client.list_ports(ADMIN, device_id=instance.uuid)
    assert port["binding:host_id"] == checks.HOST
    assert port["device_owner"] == "compute:nova"
    assert ports.network_info(alice, instance) == [vif]

    assert ports.bind_ports_on_destination(alice, instance, checks.OTHER_HOST)
    assert checks._bindings(client, port["id"]) == sorted([
        (checks.HOST, "ACTIVE"), (checks.OTHER_HOST, "INACTIVE")])
    ports.delete_bindings(alice, instance, checks.OTHER_HOST)
    assert checks._bindings(client, port["id"]) == [(checks.HOST, "ACTIVE")]

    assert ports.bind_ports_on_destination(alice, instance, checks.OTHER_HOST)
    ports.activate_bindings(alice, instance, checks.OTHER_HOST, checks.HOST)
    assert checks._bindings(client, port["id"]) == [
        (checks.OTHER_HOST, "ACTIVE")]
    [moved] = ports.network_info(alice, instance)
    assert moved["type"] == "ovs"

    ports.deallocate_for_instance(alice, instance, [moved])
    assert client.list_ports(ADMIN, device_id=instance.uuid) == []
    with pytest.raises(client_exception.NetworkResourceNotFound):
        client.show_port(ADMIN, port["id"])


def test_a_host_no_mechanism_driver_binds(
        conf, network_api, seeded):  # noqa: F811
    """Any other host: Neutron cannot bind the port (binding_failed), as
    it answers when no agent of a mechanism driver runs there."""
    client, _ = network_api
    checks._subnet(client, checks.ALICE, seeded["private-a"], "10.3.0.0/24")
    ports = server_ports.ServerPorts(conf, "compute1", client)
    [vif] = ports.allocate_for_instance(checks.ALICE, Instance("project-a"),
                                        [{"network_id":
                                          seeded["private-a"]["id"]}])
    assert vif["type"] == "binding_failed"
