"""Floating IPs with subnets: the address from the external subnet, the
association through a router, what refuses it, and what undoes it (on
every database)."""
import threading

import pytest
import sqlalchemy as sa

from stratus.db import network_models as models
from stratus.network.store import ports
from stratus.network.store import quotas
from tests.functional.network import l3_fixtures
from tests.functional.network.l3_fixtures import ADMIN
from tests.functional.network.l3_fixtures import BOB
from tests.functional.network.l3_fixtures import external_network
from tests.functional.network.l3_fixtures import network
from tests.functional.network.l3_fixtures import port
from tests.functional.network.l3_fixtures import subnet

net = l3_fixtures.net


@pytest.fixture
def cloud(net):
    """An external network with a subnet, a private network with a
    subnet and a server's port, and a router joining them."""
    public = external_network(net)
    public_subnet = subnet(net, public["id"], "172.24.4.0/24", "admin")
    private = network(net, "private")
    private_subnet = subnet(net, private["id"], "10.0.0.0/24")
    router = net.ok("POST", "/v2.0/routers", {"router": {
        "name": "router",
        "external_gateway_info": {"network_id": public["id"]}}})["router"]
    net.ok("PUT", "/v2.0/routers/%s/add_router_interface" % router["id"],
           {"subnet_id": private_subnet["id"]})
    server_port = port(net, private["id"])
    return {"public": public, "public_subnet": public_subnet,
            "private": private, "private_subnet": private_subnet,
            "router": router, "port": server_port}


def _create(net, cloud, token="alice:project-a", **attributes):
    return net.ok("POST", "/v2.0/floatingips", {"floatingip": dict(
        floating_network_id=cloud["public"]["id"], **attributes)},
        token=token)["floatingip"]


def _holder(net, fip):
    with net.databases.api.reader() as session:
        row = session.execute(sa.select(models.Port).where(
            models.Port.device_id == fip["id"])).scalars().one()
        return row.device_owner, row.network_id, row.project_id


def test_an_address_of_the_external_subnet(net, cloud):
    fip = _create(net, cloud)
    assert fip["floating_ip_address"].startswith("172.24.4.")
    assert fip["floating_network_id"] == cloud["public"]["id"]
    assert fip["project_id"] == fip["tenant_id"] == "project-a"
    assert (fip["port_id"], fip["fixed_ip_address"], fip["router_id"],
            fip["port_details"]) == (None, None, None, None)
    assert fip["status"] == "DOWN"
    assert _holder(net, fip) == ("network:floatingip", cloud["public"]["id"],
                                 "")
    assert net.ok("GET", "/v2.0/floatingips/" + fip["id"])[
        "floatingip"] == fip
    assert net.error("GET", "/v2.0/floatingips/" + fip["id"], token=BOB,
                     status=404) == "FloatingIPNotFound"


def test_associate_on_create_and_port_details(net, cloud):
    server_port = cloud["port"]
    fip = _create(net, cloud, port_id=server_port["id"])
    assert fip["port_id"] == server_port["id"]
    assert fip["fixed_ip_address"] == server_port["fixed_ips"][0][
        "ip_address"]
    assert fip["router_id"] == cloud["router"]["id"]
    assert fip["status"] == "ACTIVE"
    details = fip["port_details"]
    assert details["network_id"] == cloud["private"]["id"]
    assert details["device_owner"] == "compute:nova"
    assert set(details) == {"name", "network_id", "mac_address",
                            "admin_state_up", "status", "device_id",
                            "device_owner"}
    # One floating IP per fixed address and external network.
    assert net.error("POST", "/v2.0/floatingips", {"floatingip": {
        "floating_network_id": cloud["public"]["id"],
        "port_id": server_port["id"]}},
        status=409) == "FloatingIPPortAlreadyAssociated"
    other = _create(net, cloud)
    assert net.error("PUT", "/v2.0/floatingips/" + other["id"], {
        "floatingip": {"port_id": server_port["id"]}},
        status=409) == "FloatingIPPortAlreadyAssociated"


def test_associate_disassociate_and_filters(net, cloud):
    server_port = cloud["port"]
    fip = _create(net, cloud)
    path = "/v2.0/floatingips/" + fip["id"]
    associated = net.ok("PUT", path, {"floatingip": {
        "port_id": server_port["id"],
        "fixed_ip_address": server_port["fixed_ips"][0]["ip_address"]}})[
        "floatingip"]
    assert associated["router_id"] == cloud["router"]["id"]
    assert associated["status"] == "ACTIVE"
    for query in ("port_id=" + server_port["id"],
                  "router_id=" + cloud["router"]["id"],
                  "fixed_ip_address=" + associated["fixed_ip_address"],
                  "floating_ip_address=" + fip["floating_ip_address"],
                  "floating_network_id=" + cloud["public"]["id"],
                  "status=ACTIVE"):
        found = net.ok("GET", "/v2.0/floatingips?" + query)["floatingips"]
        assert [item["id"] for item in found] == [fip["id"]], query
    assert net.ok("GET", "/v2.0/floatingips?status=DOWN")[
        "floatingips"] == []
    # The router's gateway and the interface are needed now.
    assert net.error("PUT", "/v2.0/routers/" + cloud["router"]["id"], {
        "router": {"external_gateway_info": None}},
        status=409) == "RouterExternalGatewayInUseByFloatingIp"
    assert net.error("PUT", "/v2.0/routers/%s/remove_router_interface"
                     % cloud["router"]["id"],
                     {"subnet_id": cloud["private_subnet"]["id"]},
                     status=409) == "RouterInterfaceInUseByFloatingIP"

    disassociated = net.ok("PUT", path, {"floatingip": {"port_id": None}})[
        "floatingip"]
    assert (disassociated["port_id"], disassociated["fixed_ip_address"],
            disassociated["router_id"], disassociated["status"]) == (
        None, None, None, "DOWN")
    assert net.ok("GET", "/v2.0/floatingips?port_id=" + server_port["id"])[
        "floatingips"] == []


def test_without_a_router_to_the_external_network_404(net, cloud):
    lonely = network(net, "lonely")
    subnet(net, lonely["id"], "10.9.0.0/24")
    lonely_port = port(net, lonely["id"])
    code, document = net.call("POST", "/v2.0/floatingips", {"floatingip": {
        "floating_network_id": cloud["public"]["id"],
        "port_id": lonely_port["id"]}})
    assert code == 404
    assert document["NeutronError"]["type"] == (
        "ExternalGatewayForFloatingIPNotFound")
    assert ("is not reachable from subnet" in
            document["NeutronError"]["message"])
    # Nothing was left behind: no floating IP, no address taken.
    assert net.ok("GET", "/v2.0/floatingips")["floatingips"] == []


def test_bad_associations(net, cloud):
    server_port = cloud["port"]
    fip = _create(net, cloud)
    path = "/v2.0/floatingips/" + fip["id"]
    assert net.error("PUT", path, {"floatingip": {
        "port_id": server_port["id"], "fixed_ip_address": "10.0.0.254"}}) \
        in ("BadRequest",)
    assert net.error("PUT", path, {"floatingip": {
        "fixed_ip_address": "10.0.0.254"}}) == "BadRequest"
    assert net.error("PUT", path, {"floatingip": {
        "port_id": "00000000-0000-0000-0000-000000000000"}},
        status=404) == "PortNotFound"
    # Bob's floating IP may not take Alice's port.
    bobs = _create(net, cloud, token=BOB)
    assert net.error("PUT", "/v2.0/floatingips/" + bobs["id"], {
        "floatingip": {"port_id": server_port["id"]}}, token=BOB,
        status=404) == "PortNotFound"


def test_a_chosen_address_is_the_administrators(net, cloud):
    assert net.error("POST", "/v2.0/floatingips", {"floatingip": {
        "floating_network_id": cloud["public"]["id"],
        "floating_ip_address": "172.24.4.99"}},
        status=403) == "PolicyNotAuthorized"
    fip = _create(net, cloud, token=ADMIN, floating_ip_address="172.24.4.99",
                  project_id="project-a")
    assert fip["floating_ip_address"] == "172.24.4.99"
    assert net.error("POST", "/v2.0/floatingips", {"floatingip": {
        "floating_network_id": cloud["public"]["id"],
        "floating_ip_address": "172.24.4.99"}}, token=ADMIN,
        status=409) == "IpAddressInUse"
    # Deleted, its address is free again.
    net.ok("DELETE", "/v2.0/floatingips/" + fip["id"])
    assert net.ok("GET", "/v2.0/floatingips")["floatingips"] == []
    again = _create(net, cloud, token=ADMIN, floating_ip_address="172.24.4.99")
    assert again["floating_ip_address"] == "172.24.4.99"


def test_by_subnet(net, cloud):
    second = subnet(net, cloud["public"]["id"], "198.51.100.0/24", "admin")
    fip = _create(net, cloud, subnet_id=second["id"])
    assert fip["floating_ip_address"].startswith("198.51.100.")
    assert "subnet_id" not in fip


def test_the_network_must_be_external_with_an_ipv4_subnet(net, cloud):
    code, document = net.call("POST", "/v2.0/floatingips", {"floatingip": {
        "floating_network_id": cloud["private"]["id"]}})
    assert code == 400
    assert document["NeutronError"]["message"] == (
        "Bad floatingip request: Network %s is not a valid external "
        "network." % cloud["private"]["id"])


def test_a_deleted_port_disassociates(net, cloud):
    """A port that goes (ports.remove_port, under the ports API's DELETE)
    disassociates its floating IPs: router, fixed address and status."""
    server_port = cloud["port"]
    fip = _create(net, cloud, port_id=server_port["id"])
    with net.databases.api.writer() as session:
        ports.remove_port(session, server_port["id"])
    shown = net.ok("GET", "/v2.0/floatingips/" + fip["id"])["floatingip"]
    assert (shown["port_id"], shown["fixed_ip_address"], shown["router_id"],
            shown["status"], shown["port_details"]) == (
        None, None, None, "DOWN", None)
    for query in ("router_id=" + cloud["router"]["id"], "status=ACTIVE",
                  "fixed_ip_address=" + server_port["fixed_ips"][0][
                      "ip_address"]):
        assert net.ok("GET", "/v2.0/floatingips?" + query)[
            "floatingips"] == [], query
    assert len(net.ok("GET", "/v2.0/floatingips?status=DOWN")[
        "floatingips"]) == 1
    # Nothing holds the router's interface and gateway any more.
    net.ok("PUT", "/v2.0/routers/%s/remove_router_interface"
           % cloud["router"]["id"],
           {"subnet_id": cloud["private_subnet"]["id"]})
    net.ok("PUT", "/v2.0/routers/" + cloud["router"]["id"], {
        "router": {"external_gateway_info": None}})


def test_racing_associations_of_one_address_one_wins(net, cloud):
    count = 4
    fips = [_create(net, cloud) for _ in range(count)]
    barrier = threading.Barrier(count)
    codes = []

    def associate(fip):
        barrier.wait()
        code, _ = net.call("PUT", "/v2.0/floatingips/" + fip["id"], {
            "floatingip": {"port_id": cloud["port"]["id"]}})
        codes.append(code)

    threads = [threading.Thread(target=associate, args=(fip,))
               for fip in fips]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200] + [409] * (count - 1)
    assert len(net.ok("GET", "/v2.0/floatingips?port_id="
                      + cloud["port"]["id"])["floatingips"]) == 1


def test_the_floatingip_quota(net, cloud):
    quotas.QuotaStore(net.conf, net.databases).set_limits(
        "project-a", {"floatingip": 1})
    _create(net, cloud)
    assert net.error("POST", "/v2.0/floatingips", {"floatingip": {
        "floating_network_id": cloud["public"]["id"]}},
        status=409) == "OverQuota"
