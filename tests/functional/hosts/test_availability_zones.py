"""os-availability-zone through the Compute API, with real services."""
import uuid

from stratus.db import api_models
from tests.functional import cloud
from tests.functional.hosts import fixtures


def put_in_zone(hosts, zone, *host_names):
    """An aggregate with an availability zone holding these hosts (the
    aggregates API is not part of these tests: rows are written as it
    would write them)."""
    with hosts.databases.api.writer() as session:
        aggregate = api_models.Aggregate(uuid=str(uuid.uuid4()),
                                         name="agg-" + zone)
        session.add(aggregate)
        session.flush()
        session.add(api_models.AggregateMetadata(
            aggregate_id=aggregate.id, key="availability_zone", value=zone))
        for host in host_names:
            session.add(api_models.AggregateHost(aggregate_id=aggregate.id,
                                                 host=host))


def zones(body):
    return {zone["zoneName"]: zone for zone in body["availabilityZoneInfo"]}


def test_members_see_the_zones_of_enabled_computes(hosts_on_each_backend):
    hosts = hosts_on_each_backend
    hosts.start_compute("cmp1")
    hosts.start_compute("cmp2")
    put_in_zone(hosts, "az-east", "cmp2")
    member = fixtures.client(hosts.app, token=cloud.DEMO)
    assert zones(member.get("/os-availability-zone")) == {
        "nova": {"zoneName": "nova", "zoneState": {"available": True},
                 "hosts": None},
        "az-east": {"zoneName": "az-east", "zoneState": {"available": True},
                    "hosts": None}}


def test_a_zone_whose_computes_are_all_disabled_is_unavailable(hosts):
    hosts.start_compute("cmp1")
    hosts.start_compute("cmp2")
    put_in_zone(hosts, "az-east", "cmp2")
    admin = fixtures.client(hosts.app)
    admin.put("/os-services/disable", {"host": "cmp2",
                                       "binary": "nova-compute"})
    listed = zones(admin.get("/os-availability-zone"))
    assert listed["az-east"]["zoneState"] == {"available": False}
    assert listed["nova"]["zoneState"] == {"available": True}
    detail = zones(admin.get("/os-availability-zone/detail"))
    assert detail["az-east"] == {"zoneName": "az-east",
                                 "zoneState": {"available": False},
                                 "hosts": None}


def test_detail_shows_hosts_and_the_internal_zone(hosts):
    hosts.conf.set_override("default_availability_zone", "zone-a")
    hosts.start_compute("cmp1")
    detail = zones(fixtures.client(hosts.app).get(
        "/os-availability-zone/detail"))
    assert set(detail) == {"internal", "zone-a"}
    compute = detail["zone-a"]["hosts"]["cmp1"]["nova-compute"]
    assert (compute["available"], compute["active"]) == (True, True)
    assert compute["updated_at"]
    conductor = detail["internal"]["hosts"]["control"]["nova-conductor"]
    assert conductor["available"] is True


def test_only_admins_see_the_detail(hosts):
    response = fixtures.client(hosts.app, token=cloud.DEMO).request(
        "GET", "/v2.1/os-availability-zone/detail")
    assert response.status_int == 403


def test_aggregates_list_shows_hosts_and_zone(hosts):
    put_in_zone(hosts, "az-east", "cmp1", "cmp2")
    admin = fixtures.client(hosts.app)
    (aggregate,) = admin.get("/os-aggregates")["aggregates"]
    assert (aggregate["name"], aggregate["availability_zone"],
            aggregate["hosts"], aggregate["metadata"]) == (
        "agg-az-east", "az-east", ["cmp1", "cmp2"],
        {"availability_zone": "az-east"})
    assert "uuid" not in aggregate
    assert uuid.UUID(admin.get("/os-aggregates", version="2.41")[
        "aggregates"][0]["uuid"])
    response = admin.as_user(cloud.DEMO).request("GET", "/v2.1/os-aggregates")
    assert response.status_int == 403
