"""The auto-allocated topology and the default external network made at
bootstrap (on every database): a project's network, subnet and router
made once, even by concurrent requests, and deleted as a whole."""
import threading

import sqlalchemy as sa

from stratus.cmd import services
from stratus.db import network_models as models
from stratus.network import bootstrap
from tests.functional.network import l3_fixtures
from tests.functional.network.l3_fixtures import ADMIN
from tests.functional.network.l3_fixtures import BOB
from tests.functional.network.l3_fixtures import port

PATH = "/v2.0/auto-allocated-topology/"

net = l3_fixtures.net


def _count(net, model, **where):
    with net.databases.api.reader() as session:
        query = sa.select(sa.func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return session.execute(query).scalar()


def test_bootstrap_makes_the_public_network_once(net):
    bootstrap.ensure_public_network(net.conf, net.databases)
    bootstrap.ensure_public_network(net.conf, net.databases)
    [public] = net.ok("GET", "/v2.0/networks")["networks"]
    assert public["name"] == "public"
    assert public["router:external"] is True
    assert public["is_default"] is True
    assert public["project_id"] == "admin"
    with net.databases.api.reader() as session:
        [cidr] = session.execute(sa.select(models.Subnet.cidr).where(
            models.Subnet.network_id == public["id"])).scalars().all()
    assert cidr == "172.24.4.0/24"


def test_the_api_bootstrap_makes_it_for_the_built_in_service(net):
    net.conf.set_override("endpoint_override", "http://neutron:9696",
                          group="neutron")
    services.bootstrap_api(net.conf, net.databases)
    assert net.ok("GET", "/v2.0/networks")["networks"] == []
    net.conf.clear_override("endpoint_override", group="neutron")
    services.bootstrap_api(net.conf, net.databases)
    assert [network["name"] for network in net.ok(
        "GET", "/v2.0/networks")["networks"]] == ["public"]


def test_no_public_network_without_a_cidr(net):
    net.conf.set_override("public_cidr", "", group="neutron")
    bootstrap.ensure_public_network(net.conf, net.databases)
    assert net.ok("GET", "/v2.0/networks")["networks"] == []


def test_the_topology(net):
    bootstrap.ensure_public_network(net.conf, net.databases)
    body = net.ok("GET", PATH + "project-a")
    network_id = body["auto_allocated_topology"]["id"]
    assert body == {"auto_allocated_topology": {
        "id": network_id, "tenant_id": "project-a",
        "project_id": "project-a"}}
    # Idempotent; "None" is the caller's project.
    assert net.ok("GET", PATH + "None") == body
    network = net.ok("GET", "/v2.0/networks/" + network_id)["network"]
    assert network["name"] == "auto_allocated_network"
    assert network["admin_state_up"] is True
    [subnet_id] = network["subnets"]
    [router] = net.ok("GET", "/v2.0/routers")["routers"]
    assert router["name"] == "auto_allocated_router"
    assert router["external_gateway_info"]["network_id"] == (
        bootstrap.topology.PUBLIC_NETWORK_ID)
    with net.databases.api.reader() as session:
        subnet = session.get(models.Subnet, subnet_id)
        assert (subnet.name, subnet.cidr, subnet.gateway_ip) == (
            "auto_allocated_subnet_v4", "10.0.0.0/24", "10.0.0.1")
        owners = session.execute(sa.select(models.Port.device_owner).where(
            models.Port.device_id == router["id"])).scalars().all()
    assert sorted(owners) == ["network:router_gateway",
                              "network:router_interface"]

    # Another project's takes the next free range.
    other = net.ok("GET", PATH + "None", token=BOB)
    with net.databases.api.reader() as session:
        cidr = session.execute(sa.select(models.Subnet.cidr).where(
            models.Subnet.network_id == other["auto_allocated_topology"][
                "id"])).scalar()
    assert cidr == "10.0.1.0/24"

    # A server's port keeps it; without it, it goes.
    server_port = port(net, network_id)
    assert net.error("DELETE", PATH + "project-a", status=409) == (
        "NetworkInUse")
    with net.databases.api.writer() as session:
        session.execute(sa.delete(models.Port).where(
            models.Port.id == server_port["id"]))
    net.ok("DELETE", PATH + "project-a")
    assert net.error("GET", "/v2.0/networks/" + network_id,
                     status=404) == "NetworkNotFound"
    assert net.ok("GET", "/v2.0/routers")["routers"] == []
    assert _count(net, models.AutoAllocatedTopology,
                  project_id="project-a") == 0
    # Deleting nothing is fine; a new GET makes a new one.
    net.ok("DELETE", PATH + "project-a")
    assert net.ok("GET", PATH + "None")["auto_allocated_topology"][
        "id"] != network_id


def test_requirements(net):
    code, document = net.call("GET", PATH + "None")
    assert code == 409
    assert document["NeutronError"] == {
        "type": "AutoAllocationFailure",
        "message": "Deployment error: No default router:external network.",
        "detail": ""}
    assert net.error("GET", PATH + "None?fields=dry-run",
                     status=409) == "AutoAllocationFailure"
    bootstrap.ensure_public_network(net.conf, net.databases)
    assert net.ok("GET", PATH + "None?fields=dry-run") == {
        "auto_allocated_topology": {"id": "dry-run=pass",
                                    "tenant_id": "project-a",
                                    "project_id": "project-a"}}
    assert net.error("GET", PATH + "None?fields=id") == "BadRequest"
    # Only an administrator asks for another project.
    assert net.error("GET", PATH + "project-b", status=403) == (
        "NotAuthorized")
    assert net.ok("GET", PATH + "project-b", token=ADMIN)[
        "auto_allocated_topology"]["project_id"] == "project-b"


def test_concurrent_requests_make_one_topology(net):
    bootstrap.ensure_public_network(net.conf, net.databases)
    threads_count = 4
    barrier = threading.Barrier(threads_count)
    answers = []

    def allocate():
        barrier.wait()
        answers.append(net.call("GET", PATH + "None"))

    threads = [threading.Thread(target=allocate)
               for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [code for code, _ in answers] == [200] * threads_count, answers
    assert len({document["auto_allocated_topology"]["id"]
                for _, document in answers}) == 1
    assert _count(net, models.Network, name="auto_allocated_network") == 1
    assert _count(net, models.Router, name="auto_allocated_router") == 1
    assert _count(net, models.Subnet, project_id="project-a") == 1
    assert _count(net, models.Port, project_id="project-a") == 1
