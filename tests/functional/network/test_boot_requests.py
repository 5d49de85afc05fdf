"""How many requests a boot with ports makes of the network service
(built-in, [network] provider = neutron): the compute API checks the
network, the compute creates each port and binds it, then reads the
networks and subnets of all the ports once (a port it just made has no
floating IP to look for)."""
import re

from tests.functional.network import test_server_ports as server_ports
# The cloud of two fake hosts whose servers get ports of the built-in
# network service, on each database.
from tests.functional.network.test_server_ports import ported_cloud  # noqa: F401,E501


def _recorded(cloud):
    """The (method, path with ids as {id}) of every request the cloud's
    Neutron client makes from now on."""
    neutron = cloud._network_api()
    seen = []
    real = neutron.transport.request

    def request(ctx, method, path, headers, data=None):
        seen.append((method, re.sub(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "{id}", path)))
        return real(ctx, method, path, headers, data)
    neutron.transport.request = request
    return seen


def test_a_boot_with_a_port_makes_five_requests(ported_cloud):  # noqa: F811
    cloud = ported_cloud
    network, _ = server_ports._private_network(cloud)
    second, _ = server_ports._private_network(cloud, "10.30.0.0/24")
    seen = _recorded(cloud)
    api = server_ports._demo(cloud)
    for networks, expected in (
            ([network], [
                ("GET", "/v2.0/networks/{id}"),
                ("POST", "/v2.0/ports"),
                ("PUT", "/v2.0/ports/{id}"),
                ("GET", "/v2.0/networks?id={id}"),
                ("GET", "/v2.0/subnets?network_id={id}")]),
            ([network, second], [
                ("GET", "/v2.0/networks/{id}"),
                ("GET", "/v2.0/networks/{id}"),
                ("POST", "/v2.0/ports"),
                ("PUT", "/v2.0/ports/{id}"),
                ("POST", "/v2.0/ports"),
                ("PUT", "/v2.0/ports/{id}"),
                ("GET", "/v2.0/networks?id={id}&id={id}"),
                ("GET", "/v2.0/subnets?network_id={id}&network_id={id}")])):
        seen.clear()
        server = api.create_server(image=api.first_image_id(), networks=[
            {"uuid": item["id"]} for item in networks])["server"]
        api.wait_for_status(server["id"], "ACTIVE")
        assert seen == expected
        addresses = api.server(server["id"])["addresses"]
        assert sum(map(len, addresses.values())) == len(networks)


def test_a_boot_naming_a_security_group_gives_its_port_the_group(
        ported_cloud):  # noqa: F811
    cloud = ported_cloud
    network, _ = server_ports._private_network(cloud)
    group = server_ports._network_call(
        cloud, "POST", "/v2.0/security-groups",
        {"security_group": {"name": "web"}})["security_group"]
    api = server_ports._demo(cloud)
    server = api.create_server(image=api.first_image_id(), networks=[
        {"uuid": network["id"]}], security_groups=[{"name": "web"}])[
        "server"]
    api.wait_for_status(server["id"], "ACTIVE")
    port = server_ports._port_of(cloud, server["id"])
    assert port["security_groups"] == [group["id"]]
