"""/os-aggregates through the Compute API, with real compute services:
CRUD, host membership, metadata and availability zones, the placement
mirror, and policy."""
import uuid

import pytest

from stratus.objects import compute_node as compute_node_obj
from stratus.placement import host_aggregates
from tests.functional import cloud
from tests.functional.hosts import fixtures


def create(admin, name="agg1", zone=None, version=None, expected=(200,)):
    body = {"name": name}
    if zone is not None:
        body["availability_zone"] = zone
    return admin.post("/os-aggregates", {"aggregate": body},
                      expected=expected, version=version)


def action(admin, aggregate_id, name, value, expected=(200,)):
    return admin.post("/os-aggregates/%s/action" % aggregate_id,
                      {name: value}, expected=expected)


def status(admin, method, path, body=None, version=None):
    response = admin.request(method, "/v2.1" + path, body, version=version)
    return response.status_int, response.json if response.body else None


def test_create_show_update_delete(hosts_on_each_backend):
    admin = fixtures.client(hosts_on_each_backend.app)
    created = create(admin, "agg1", "az1")["aggregate"]
    assert set(created) == {"id", "name", "availability_zone", "created_at",
                            "updated_at", "deleted", "deleted_at"}
    assert (created["name"], created["availability_zone"],
            created["deleted"], created["updated_at"]) == (
        "agg1", "az1", False, None)
    shown = admin.get("/os-aggregates/%d" % created["id"])["aggregate"]
    assert (shown["hosts"], shown["metadata"]) == (
        [], {"availability_zone": "az1"})
    assert "uuid" not in shown
    updated = admin.put("/os-aggregates/%d" % created["id"], {
        "aggregate": {"name": "agg2", "availability_zone": "az2"}},
        expected=(200,))["aggregate"]
    assert (updated["name"], updated["availability_zone"],
            updated["metadata"]) == ("agg2", "az2",
                                     {"availability_zone": "az2"})
    assert updated["updated_at"]
    response = admin.request("DELETE", "/v2.1/os-aggregates/%d"
                             % created["id"])
    assert (response.status_int, response.body) == (200, b"")
    assert status(admin, "GET", "/os-aggregates/%d" % created["id"])[0] \
        == 404


def test_uuid_from_2_41(hosts):
    admin = fixtures.client(hosts.app)
    created = create(admin, version="2.41")["aggregate"]
    assert uuid.UUID(created["uuid"])
    assert admin.get("/os-aggregates/%d" % created["id"], version="2.41")[
        "aggregate"]["uuid"] == created["uuid"]
    assert "uuid" not in admin.get("/os-aggregates/%d" % created["id"],
                                   version="2.40")["aggregate"]


def test_bad_requests_and_conflicts(hosts):
    admin = fixtures.client(hosts.app)
    created = create(admin, "agg1")["aggregate"]
    path = "/os-aggregates/%d" % created["id"]
    for body in ({"aggregate": {}}, {"aggregate": {"name": ""}},
                 {"aggregate": {"name": " pad "}},
                 {"aggregate": {"name": "x", "availability_zone": "a:b"}},
                 {"aggregate": {"name": "x", "other": 1}}, {"name": "x"}):
        code, error = status(admin, "POST", "/os-aggregates", body)
        assert code == 400, body
        assert error["badRequest"]["code"] == 400
    assert status(admin, "POST", "/os-aggregates",
                  {"aggregate": {"name": "agg1"}})[0] == 409
    assert status(admin, "POST", "/os-aggregates", {"aggregate": {
        "name": "x", "availability_zone": "internal"}})[0] == 400
    assert status(admin, "PUT", path, {"aggregate": {}})[0] == 400
    create(admin, "agg2")
    assert status(admin, "PUT", path, {"aggregate": {"name": "agg2"}})[0] \
        == 409
    assert status(admin, "GET", "/os-aggregates/999999")[0] == 404
    assert status(admin, "GET", "/os-aggregates/abc")[0] == 400
    assert status(admin, "DELETE", "/os-aggregates/999999")[0] == 404
    for body in ({}, {"add_host": {}, "remove_host": {}}, {"nope": {}},
                 {"add_host": {"host": "a", "x": 1}},
                 {"set_metadata": {"metadata": {"k": 1}}},
                 {"set_metadata": {"metadata": {"bad/key": "v"}}}):
        assert status(admin, "POST", path + "/action", body)[0] == 400, body


def test_hosts_and_metadata(hosts_on_each_backend):
    hosts = hosts_on_each_backend
    hosts.start_compute("cmp1")
    hosts.start_compute("cmp2")
    admin = fixtures.client(hosts.app)
    aggregate_id = create(admin)["aggregate"]["id"]
    added = action(admin, aggregate_id, "add_host", {"host": "cmp1"})
    assert added["aggregate"]["hosts"] == ["cmp1"]
    action(admin, aggregate_id, "add_host", {"host": "cmp2"})
    action(admin, aggregate_id, "add_host", {"host": "cmp2"},
           expected=(409,))
    action(admin, aggregate_id, "add_host", {"host": "nowhere"},
           expected=(404,))
    action(admin, 999999, "add_host", {"host": "cmp1"}, expected=(404,))
    metadata = action(admin, aggregate_id, "set_metadata", {"metadata": {
        "ssd": "true", "gpu": "1"}})["aggregate"]["metadata"]
    assert metadata == {"ssd": "true", "gpu": "1"}
    metadata = action(admin, aggregate_id, "set_metadata", {"metadata": {
        "gpu": None, "ssd": "false"}})["aggregate"]["metadata"]
    assert metadata == {"ssd": "false"}
    code, _ = status(admin, "DELETE", "/os-aggregates/%d" % aggregate_id)
    assert code == 400
    removed = action(admin, aggregate_id, "remove_host", {"host": "cmp1"})
    assert removed["aggregate"]["hosts"] == ["cmp2"]
    action(admin, aggregate_id, "remove_host", {"host": "cmp1"},
           expected=(404,))
    action(admin, aggregate_id, "remove_host", {"host": "cmp2"})
    assert status(admin, "DELETE", "/os-aggregates/%d" % aggregate_id)[0] \
        == 200


def test_membership_is_mirrored_to_placement(hosts):
    hosts.start_compute("cmp1")
    admin = fixtures.client(hosts.app)
    created = create(admin, version="2.41")["aggregate"]
    action(admin, created["id"], "add_host", {"host": "cmp1"})
    nodes = compute_node_obj.ComputeNodeList.get_by_host(hosts.ctx, "cmp1")
    assert nodes
    for node in nodes:
        assert host_aggregates.aggregates_of(hosts.ctx, node.uuid) == [
            created["uuid"]]
    action(admin, created["id"], "remove_host", {"host": "cmp1"})
    for node in nodes:
        assert host_aggregates.aggregates_of(hosts.ctx, node.uuid) == []


def test_availability_zones_follow_the_aggregates(hosts):
    hosts.start_compute("cmp1")
    hosts.start_compute("cmp2")
    admin = fixtures.client(hosts.app)
    east = create(admin, "east", "az-east")["aggregate"]["id"]
    action(admin, east, "add_host", {"host": "cmp1"})
    zones = {zone["zoneName"] for zone in admin.get(
        "/os-availability-zone")["availabilityZoneInfo"]}
    assert zones == {"az-east", "nova"}
    # A host is in one zone only.
    west = create(admin, "west", "az-west")["aggregate"]["id"]
    code = action(admin, west, "add_host", {"host": "cmp1"},
                  expected=(409,))
    assert "az-east" in code["conflictingRequest"]["message"]
    # An aggregate without a zone may hold it; one of the same zone too.
    plain = create(admin, "plain")["aggregate"]["id"]
    action(admin, plain, "add_host", {"host": "cmp1"})
    same = create(admin, "east2", "az-east")["aggregate"]["id"]
    action(admin, same, "add_host", {"host": "cmp1"})
    # Giving 'plain' a zone that conflicts with cmp1's is refused.
    code, error = status(admin, "POST", "/os-aggregates/%d/action" % plain,
                         {"set_metadata": {"metadata": {
                             "availability_zone": "az-west"}}})
    assert code == 400
    assert "az-east" in error["badRequest"]["message"]
    assert status(admin, "PUT", "/os-aggregates/%d" % plain, {"aggregate": {
        "availability_zone": "az-west"}})[0] == 400
    assert status(admin, "POST", "/os-aggregates/%d/action" % plain,
                  {"set_metadata": {"metadata": {
                      "availability_zone": None}}})[0] == 400


def test_a_host_with_servers_keeps_its_zone(hosts):
    hosts.start_compute("cmp1")
    hosts.start_compute("cmp2")
    node = compute_node_obj.ComputeNodeList.get_by_host(hosts.ctx, "cmp1")[0]
    hosts.create_instance("cmp1", node.hypervisor_hostname)
    admin = fixtures.client(hosts.app)
    east = create(admin, "east", "az-east")["aggregate"]["id"]
    action(admin, east, "add_host", {"host": "cmp1"}, expected=(409,))
    action(admin, east, "add_host", {"host": "cmp2"})
    # The zone of an aggregate holding only empty hosts may change.
    admin.put("/os-aggregates/%d" % east,
              {"aggregate": {"availability_zone": "az-west"}},
              expected=(200,))
    # A zone-less aggregate takes the busy host: its zone stays 'nova'.
    plain = create(admin, "plain")["aggregate"]["id"]
    action(admin, plain, "add_host", {"host": "cmp1"})
    assert status(admin, "PUT", "/os-aggregates/%d" % plain, {"aggregate": {
        "availability_zone": "az-x"}})[0] == 400
    # So does an aggregate in the default zone.
    default = create(admin, "default", "nova")["aggregate"]["id"]
    action(admin, default, "add_host", {"host": "cmp1"})
    action(admin, default, "remove_host", {"host": "cmp1"})


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/os-aggregates", {"aggregate": {"name": "x"}}),
    ("GET", "/os-aggregates/1", None),
    ("PUT", "/os-aggregates/1", {"aggregate": {"name": "y"}}),
    ("DELETE", "/os-aggregates/1", None),
    ("POST", "/os-aggregates/1/action", {"add_host": {"host": "cmp1"}}),
    ("POST", "/os-aggregates/1/action", {"remove_host": {"host": "cmp1"}}),
    ("POST", "/os-aggregates/1/action",
     {"set_metadata": {"metadata": {"a": "b"}}}),
])
def test_members_are_forbidden(hosts, method, path, body):
    admin = fixtures.client(hosts.app)
    create(admin, "agg1")
    member = fixtures.client(hosts.app, token=cloud.DEMO)
    code, error = status(member, method, path, body)
    assert code == 403
    assert error["forbidden"]["code"] == 403


def test_nodes_reported_later_join_the_placement_aggregate(hosts):
    hosts.conf.set_override("nodes", 1, group="fake_driver")
    hosts.start_compute("cmp1")
    admin = fixtures.client(hosts.app)
    created = create(admin, version="2.41")["aggregate"]
    action(admin, created["id"], "add_host", {"host": "cmp1"})
    before = {node.uuid for node in nodes_of(hosts)}
    hosts.stop_compute("cmp1")
    hosts.conf.set_override("nodes", 2, group="fake_driver")
    hosts.start_compute("cmp1")
    nodes = nodes_of(hosts)
    assert {node.uuid for node in nodes} - before
    for node in nodes:
        assert host_aggregates.aggregates_of(hosts.ctx, node.uuid) == [
            created["uuid"]]


def nodes_of(hosts, host="cmp1"):
    return compute_node_obj.ComputeNodeList.get_by_host(hosts.ctx, host)
