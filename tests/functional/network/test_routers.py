"""Routers with subnets: the gateway's address on the external network,
interfaces on subnets and ports, extra routes, and what keeps a router
or an interface from going (on every database)."""
import sqlalchemy as sa

from stratus.db import network_models as models
from stratus.network.store import quotas
from tests.functional.network import l3_fixtures
from tests.functional.network.l3_fixtures import ADMIN
from tests.functional.network.l3_fixtures import BOB
from tests.functional.network.l3_fixtures import external_network
from tests.functional.network.l3_fixtures import network
from tests.functional.network.l3_fixtures import port
from tests.functional.network.l3_fixtures import subnet

net = l3_fixtures.net


def _router(net, **attributes):
    return net.ok("POST", "/v2.0/routers", {"router": dict(
        {"name": "router"}, **attributes)})["router"]


def _ports_of(net, device_id):
    with net.databases.api.reader() as session:
        return [(row.device_owner, row.network_id, row.project_id)
                for row in session.execute(sa.select(models.Port).where(
                    models.Port.device_id == device_id)).scalars()]


def test_the_gateway_takes_an_address_of_the_external_subnet(net):
    public = external_network(net)
    public_subnet = subnet(net, public["id"], "172.24.4.0/24", "admin")
    router = _router(net, external_gateway_info={"network_id": public["id"]})
    gateway = router["external_gateway_info"]
    assert gateway["network_id"] == public["id"]
    assert gateway["enable_snat"] is True
    [fixed] = gateway["external_fixed_ips"]
    assert fixed["subnet_id"] == public_subnet["id"]
    assert fixed["ip_address"].startswith("172.24.4.")
    assert fixed["ip_address"] != "172.24.4.1"
    assert _ports_of(net, router["id"]) == [
        ("network:router_gateway", public["id"], "")]

    # An administrator chooses the address and SNAT.
    updated = net.ok("PUT", "/v2.0/routers/" + router["id"], {"router": {
        "external_gateway_info": {
            "network_id": public["id"], "enable_snat": False,
            "external_fixed_ips": [{"ip_address": "172.24.4.50"}]}}},
        token=ADMIN)["router"]
    assert updated["external_gateway_info"] == {
        "network_id": public["id"], "enable_snat": False,
        "external_fixed_ips": [{"subnet_id": public_subnet["id"],
                                "ip_address": "172.24.4.50"}]}
    # ... but not the subnet's gateway address.
    assert net.error("PUT", "/v2.0/routers/" + router["id"], {"router": {
        "external_gateway_info": {"network_id": public["id"],
                                  "external_fixed_ips": [
                                      {"ip_address": "172.24.4.1"}]}}},
        token=ADMIN) == "BadRequest"
    # A member may not.
    assert net.error("PUT", "/v2.0/routers/" + router["id"], {"router": {
        "external_gateway_info": {"network_id": public["id"],
                                  "external_fixed_ips": [
                                      {"ip_address": "172.24.4.51"}]}}},
        status=403) == "PolicyNotAuthorized"

    # Cleared, the port goes and the address is free again.
    cleared = net.ok("PUT", "/v2.0/routers/" + router["id"], {"router": {
        "external_gateway_info": {}}})["router"]
    assert cleared["external_gateway_info"] is None
    assert _ports_of(net, router["id"]) == []
    other = net.ok("POST", "/v2.0/routers", {"router": {
        "external_gateway_info": {"network_id": public["id"],
                                  "external_fixed_ips": [
                                      {"ip_address": "172.24.4.50"}]}}},
        token=ADMIN)["router"]
    assert other["external_gateway_info"]["external_fixed_ips"][0][
        "ip_address"] == "172.24.4.50"


def test_a_taken_gateway_address_is_409(net):
    public = external_network(net)
    subnet(net, public["id"], "172.24.4.0/24", "admin")
    gateway = {"network_id": public["id"],
               "external_fixed_ips": [{"ip_address": "172.24.4.9"}]}
    net.ok("POST", "/v2.0/routers", {"router": {
        "external_gateway_info": gateway}}, token=ADMIN)
    assert net.error("POST", "/v2.0/routers", {"router": {
        "external_gateway_info": gateway}}, token=ADMIN,
        status=409) == "IpAddressInUse"


def test_interfaces_by_subnet(net):
    private = network(net, "private")
    private_subnet = subnet(net, private["id"], "10.0.0.0/24")
    router = _router(net)
    path = "/v2.0/routers/%s/" % router["id"]
    info = net.ok("PUT", path + "add_router_interface",
                  {"subnet_id": private_subnet["id"]})
    assert set(info) == {"id", "tenant_id", "project_id", "port_id",
                         "subnet_id", "subnet_ids", "network_id"}
    assert info["id"] == router["id"]
    assert info["project_id"] == info["tenant_id"] == "project-a"
    assert info["subnet_id"] == private_subnet["id"]
    assert info["subnet_ids"] == [private_subnet["id"]]
    assert info["network_id"] == private["id"]
    with net.databases.api.reader() as session:
        row = session.get(models.Port, info["port_id"])
        assert (row.device_owner, row.device_id) == (
            "network:router_interface", router["id"])
        address = session.execute(sa.select(
            models.IPAllocation.ip_address).where(
            models.IPAllocation.port_id == row.id)).scalar()
    assert address == "10.0.0.1"

    # Once per router; another router finds the gateway IP taken.
    assert net.error("PUT", path + "add_router_interface",
                     {"subnet_id": private_subnet["id"]}) == "BadRequest"
    other = _router(net, name="other")
    assert net.error("PUT", "/v2.0/routers/%s/add_router_interface"
                     % other["id"], {"subnet_id": private_subnet["id"]},
                     status=409) == "IpAddressInUse"
    # An overlapping subnet of another network is refused.
    overlapping = subnet(net, network(net, "twin")["id"], "10.0.0.0/25")
    assert net.error("PUT", path + "add_router_interface",
                     {"subnet_id": overlapping["id"]}) == "BadRequest"

    # The router with an interface cannot go.
    assert net.error("DELETE", "/v2.0/routers/" + router["id"],
                     status=409) == "RouterInUse"
    # Bob sees neither the router nor the subnet.
    assert net.error("PUT", path + "add_router_interface",
                     {"subnet_id": private_subnet["id"]}, token=BOB,
                     status=404) == "RouterNotFound"
    bobs = net.ok("POST", "/v2.0/routers", {"router": {}}, token=BOB)
    assert net.error("PUT", "/v2.0/routers/%s/add_router_interface"
                     % bobs["router"]["id"],
                     {"subnet_id": private_subnet["id"]}, token=BOB,
                     status=404) == "SubnetNotFound"

    removed = net.ok("PUT", path + "remove_router_interface",
                     {"subnet_id": private_subnet["id"]})
    assert removed["port_id"] == info["port_id"]
    assert removed["subnet_id"] == private_subnet["id"]
    assert _ports_of(net, router["id"]) == []
    assert net.error("PUT", path + "remove_router_interface",
                     {"subnet_id": private_subnet["id"]},
                     status=404) == "RouterInterfaceNotFoundForSubnet"
    net.ok("DELETE", "/v2.0/routers/" + router["id"])


def test_a_subnet_without_gateway_is_400(net):
    private = network(net, "private")
    bare = subnet(net, private["id"], "10.1.0.0/24", gateway=False)
    router = _router(net)
    code, document = net.call(
        "PUT", "/v2.0/routers/%s/add_router_interface" % router["id"],
        {"subnet_id": bare["id"]})
    assert code == 400
    assert document["NeutronError"]["message"] == (
        "Bad router request: Subnet for router interface must have a "
        "gateway IP.")


def test_interfaces_by_port(net):
    private = network(net, "private")
    subnet(net, private["id"], "10.0.0.0/24")
    server_port = port(net, private["id"])
    router = _router(net)
    path = "/v2.0/routers/%s/" % router["id"]
    info = net.ok("PUT", path + "add_router_interface",
                  {"port_id": server_port["id"]})
    assert info["port_id"] == server_port["id"]
    assert _ports_of(net, router["id"]) == [
        ("network:router_interface", private["id"], "project-a")]
    # In use now: no other router takes it.
    other = _router(net, name="other")
    assert net.error("PUT", "/v2.0/routers/%s/add_router_interface"
                     % other["id"], {"port_id": server_port["id"]},
                     status=409) == "PortInUse"
    assert net.error("PUT", "/v2.0/routers/%s/remove_router_interface"
                     % other["id"], {"port_id": server_port["id"]},
                     status=404) == "RouterInterfaceNotFound"
    assert net.error("PUT", path + "add_router_interface", {
        "port_id": server_port["id"],
        "subnet_id": server_port["fixed_ips"][0]["subnet_id"]}) == (
        "BadRequest")
    assert net.error("PUT", path + "add_router_interface", {}) == (
        "BadRequest")
    net.ok("PUT", path + "remove_router_interface",
           {"port_id": server_port["id"]})
    assert _ports_of(net, router["id"]) == []


def test_extra_routes_need_a_connected_nexthop(net):
    private = network(net, "private")
    private_subnet = subnet(net, private["id"], "10.0.0.0/24")
    router = _router(net)
    path = "/v2.0/routers/" + router["id"]
    route = {"destination": "192.168.0.0/16", "nexthop": "10.0.0.7"}
    code, document = net.call("PUT", path, {"router": {"routes": [route]}})
    assert code == 400
    assert document["NeutronError"]["type"] == "InvalidRoutes"
    assert "the nexthop is not connected with router" in (
        document["NeutronError"]["message"])
    net.ok("PUT", path + "/add_router_interface",
           {"subnet_id": private_subnet["id"]})
    assert net.ok("PUT", path, {"router": {"routes": [route]}})[
        "router"]["routes"] == [route]
    assert net.error("PUT", path, {"router": {"routes": [
        {"destination": "192.168.0.0/16", "nexthop": "10.0.0.1"}]}}) == (
        "InvalidRoutes")
    # The interface the route needs stays.
    assert net.error("PUT", path + "/remove_router_interface",
                     {"subnet_id": private_subnet["id"]},
                     status=409) == "RouterInterfaceInUseByRoute"
    assert net.ok("PUT", path, {"router": {"routes": None}})[
        "router"]["routes"] == []
    net.ok("PUT", path + "/remove_router_interface",
           {"subnet_id": private_subnet["id"]})


def test_too_many_routes(net):
    router = _router(net)
    routes = [{"destination": "192.168.%d.0/24" % index,
               "nexthop": "10.0.0.%d" % (index + 2)} for index in range(31)]
    assert net.error("PUT", "/v2.0/routers/" + router["id"], {"router": {
        "routes": routes}}) == "RoutesExhausted"


def test_the_router_quota(net):
    quotas.QuotaStore(net.conf, net.databases).set_limits(
        "project-a", {"router": 1})
    _router(net)
    assert net.error("POST", "/v2.0/routers", {"router": {}},
                     status=409) == "OverQuota"
