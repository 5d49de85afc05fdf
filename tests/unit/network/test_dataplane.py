"""The dataplane's pure parts: security group rules as nftables matches,
the DHCP options of a subnet, and syncs that coalesce."""
import threading
import time

from stratus import conf as stratus_conf
from stratus.network.dataplane import agent
from stratus.network.dataplane import dhcp
from stratus.network.dataplane import firewall
from stratus.network.dataplane import state

PORT_A = state.Port(
    id="aaaaaaaa-0000-0000-0000-000000000001", network_id="n1",
    mac_address="fa:16:3e:00:00:01", device_id="vm-a",
    device_owner="compute:nova", project_id="p",
    fixed_ips=(state.FixedIP("s1", "10.0.0.5"),),
    security_group_ids=("web",),
    allowed_address_pairs=(("10.0.0.128/25", None),))
PORT_B = state.Port(
    id="bbbbbbbb-0000-0000-0000-000000000002", network_id="n1",
    mac_address="fa:16:3e:00:00:02", device_id="vm-b",
    device_owner="compute:nova", project_id="p",
    fixed_ips=(state.FixedIP("s1", "10.0.0.6"),), security_group_ids=())
OPEN = state.Port(
    id="cccccccc-0000-0000-0000-000000000003", network_id="n1",
    mac_address="fa:16:3e:00:00:03", device_id="vm-c",
    device_owner="compute:nova", project_id="p",
    port_security_enabled=False)
DHCP_PORT = state.Port(
    id="dddddddd-0000-0000-0000-000000000004", network_id="n1",
    mac_address="fa:16:3e:00:00:04", device_id="dhcp",
    device_owner="network:dhcp", project_id="p", port_security_enabled=False)


def _rule(**values):
    values.setdefault("id", "r")
    values.setdefault("security_group_id", "web")
    values.setdefault("direction", "ingress")
    values.setdefault("ethertype", "IPv4")
    return state.SecurityGroupRule(**values)


SNAPSHOT = state.State(ports=(PORT_A, PORT_B, OPEN, DHCP_PORT))


def test_rules_become_nft_matches():
    remote_groups = firewall.RemoteGroups(SNAPSHOT)

    def match(snapshot, rule):
        return firewall.rule_match(rule, remote_groups)

    assert match(SNAPSHOT, _rule(protocol="tcp", port_range_min=22,
                                 port_range_max=22)) == \
        "meta nfproto ipv4 meta l4proto 6 th dport 22"
    assert match(SNAPSHOT, _rule(protocol="6", port_range_min=80,
                                 port_range_max=90)) == \
        "meta nfproto ipv4 meta l4proto 6 th dport 80-90"
    assert match(SNAPSHOT, _rule(protocol="icmp", port_range_min=8,
                                 port_range_max=0,
                                 remote_ip_prefix="192.0.2.0/24")) == (
        "meta nfproto ipv4 ip saddr 192.0.2.0/24 meta l4proto 1 "
        "icmp type 8 icmp code 0")
    assert match(SNAPSHOT, _rule(ethertype="IPv6", protocol="icmp")) == \
        "meta nfproto ipv6 meta l4proto 58"
    assert match(SNAPSHOT, _rule(protocol="vrrp")) == \
        "meta nfproto ipv4 meta l4proto 112"
    # A protocol nft would not know matches nothing (not a failed sync).
    assert match(SNAPSHOT, _rule(protocol="999")) is None
    assert match(SNAPSHOT, _rule(direction="egress",
                                 remote_ip_prefix="10.1.0.0/16")) == \
        "meta nfproto ipv4 ip daddr 10.1.0.0/16"
    # A remote group: a set of the addresses (and address pairs) of its
    # ports, empty for a group without ports.
    assert match(SNAPSHOT, _rule(remote_group_id="web")) == \
        "meta nfproto ipv4 ip saddr @remote4_1"
    assert match(SNAPSHOT, _rule(remote_group_id="nobody")) == \
        "meta nfproto ipv4 ip saddr @remote4_2"
    assert remote_groups.declarations() == [
        "set remote4_1 {", "type ipv4_addr; flags interval;",
        "elements = { 10.0.0.5/32, 10.0.0.128/25 }", "}",
        "set remote4_2 {", "type ipv4_addr;", "}"]
    # A prefix of the other family matches nothing.
    assert match(SNAPSHOT, _rule(remote_ip_prefix="2001:db8::/64")) is None


def test_only_guest_ports_with_port_security_are_filtered():
    assert [port.id for port in firewall.filtered_ports(SNAPSHOT)] == [
        PORT_A.id, PORT_B.id]
    ruleset = firewall.ruleset(SNAPSHOT, "t")
    assert '"tapaaaaaaaa-00" : jump from_1' in ruleset
    assert "ether saddr != { fa:16:3e:00:00:01 } drop" in ruleset
    assert "ip saddr != { 10.0.0.5/32, 10.0.0.128/25, 0.0.0.0 } drop" in \
        ruleset
    assert "tapcccccccc" not in ruleset
    # Nothing to filter: the tables are emptied, not left behind.
    assert firewall.ruleset(state.State(), "t").count("delete table") == 2


def test_dhcp_options_route_metadata_via_the_dhcp_port():
    subnet = state.Subnet(
        id="s1", network_id="n1", cidr="10.0.0.0/24", ip_version=4,
        gateway_ip="10.0.0.1", enable_dhcp=True,
        dns_nameservers=("192.0.2.53",),
        host_routes=(("10.9.0.0/16", "10.0.0.9"),))
    lines = dhcp.options_lines([subnet], {"s1": "10.0.0.2"})
    assert lines == [
        "tag:subnet-s1,option:router,10.0.0.1\n",
        "tag:subnet-s1,option:dns-server,192.0.2.53\n",
        "tag:subnet-s1,option:classless-static-route,169.254.169.254/32,"
        "10.0.0.2,10.9.0.0/16,10.0.0.9,0.0.0.0/0,10.0.0.1\n"]
    no_gateway = state.Subnet(
        id="s2", network_id="n1", cidr="10.0.1.0/24", ip_version=4,
        gateway_ip=None, enable_dhcp=True)
    assert dhcp.options_lines([no_gateway], {"s2": "10.0.1.2"}) == [
        "tag:subnet-s2,option:router\n",
        "tag:subnet-s2,option:classless-static-route,169.254.169.254/32,"
        "10.0.1.2\n"]


def test_syncs_asked_while_one_runs_coalesce_into_one_more():
    conf = stratus_conf.build_conf()
    plane = agent.Dataplane(conf, databases=None)
    runs = []
    started = threading.Event()
    release = threading.Event()

    def sync_once():
        runs.append(time.monotonic())
        if len(runs) == 1:
            started.set()
            release.wait(5)

    plane._sync_once = sync_once
    first = threading.Thread(target=plane.sync)
    first.start()
    started.wait(5)
    waiters = [threading.Thread(target=plane.sync) for _ in range(5)]
    for waiter in waiters:
        waiter.start()
    time.sleep(0.2)
    release.set()
    for thread in [first] + waiters:
        thread.join(5)
    assert len(runs) == 2


def test_a_port_reported_up_is_synced_before_it_goes_active():
    from stratus.network import agent_endpoint
    events = []

    class Plane:
        def sync(self):
            events.append("sync")

    class Ports:
        def set_status(self, port_id, host, status):
            events.append(status)
            return "vm-1", "compute:nova"

    class Notifier:
        def send(self, ctx, sent):
            events.append(sent[0]["name"])

    endpoint = agent_endpoint.AgentEndpoint.__new__(
        agent_endpoint.AgentEndpoint)
    endpoint.ports, endpoint.notifier = Ports(), Notifier()
    endpoint.dataplane = Plane()
    endpoint.update_device_up(None, "port-1", "host-1")
    assert events == ["sync", "ACTIVE", "network-vif-plugged"]
