"""The shared network "private" the built-in service's first bootstrap
makes with "public" ([neutron] private_cidr), joined to it by "router1"
(on every database): what every project boots on without naming a
network, made once (deleting it is final)."""
from stratus.network import bootstrap
from tests.functional.network import l3_fixtures
from tests.functional.network.l3_fixtures import ADMIN
from tests.functional.network.l3_fixtures import BOB

net = l3_fixtures.net


def _names(net, collection, token=ADMIN):
    return sorted(item["name"] for item in net.ok(
        "GET", "/v2.0/" + collection, token=token)[collection])


def test_private_and_router1_with_public(net):
    net.conf.set_override("private_cidr", "10.0.0.0/24", group="neutron")
    bootstrap.ensure_public_network(net.conf, net.databases)
    bootstrap.ensure_public_network(net.conf, net.databases)
    assert _names(net, "networks") == ["private", "public"]
    # Another project sees it (shared) and public (external).
    assert _names(net, "networks", token=BOB) == ["private", "public"]
    [private] = net.ok("GET", "/v2.0/networks?name=private", token=ADMIN)["networks"]
    assert private["shared"] is True and private["project_id"] == "admin"
    [subnet] = net.ok("GET", "/v2.0/subnets?network_id=%s"
                      % private["id"], token=ADMIN)["subnets"]
    assert (subnet["name"], subnet["cidr"], subnet["gateway_ip"]) == (
        "private-subnet", "10.0.0.0/24", "10.0.0.1")
    [router] = net.ok("GET", "/v2.0/routers", token=ADMIN)["routers"]
    assert router["name"] == "router1"
    [public] = net.ok("GET", "/v2.0/networks?name=public", token=ADMIN)["networks"]
    assert router["external_gateway_info"]["network_id"] == public["id"]
    [interface] = net.ok("GET", "/v2.0/ports?device_id=%s&device_owner="
                         "network:router_interface" % router["id"],
                         token=ADMIN)["ports"]
    assert interface["fixed_ips"][0]["ip_address"] == "10.0.0.1"


def test_deleting_private_is_final(net):
    net.conf.set_override("private_cidr", "10.0.0.0/24", group="neutron")
    bootstrap.ensure_public_network(net.conf, net.databases)
    [router] = net.ok("GET", "/v2.0/routers", token=ADMIN)["routers"]
    [subnet] = net.ok("GET", "/v2.0/subnets?name=private-subnet", token=ADMIN)["subnets"]
    net.ok("PUT", "/v2.0/routers/%s/remove_router_interface" % router["id"],
           {"subnet_id": subnet["id"]}, token=ADMIN)
    net.ok("DELETE", "/v2.0/routers/%s" % router["id"], token=ADMIN)
    [private] = net.ok("GET", "/v2.0/networks?name=private", token=ADMIN)["networks"]
    net.ok("DELETE", "/v2.0/networks/%s" % private["id"], token=ADMIN)
    bootstrap.ensure_public_network(net.conf, net.databases)
    assert _names(net, "networks") == ["public"]
    assert net.ok("GET", "/v2.0/routers", token=ADMIN)["routers"] == []
