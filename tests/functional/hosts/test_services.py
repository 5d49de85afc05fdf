"""os-services through the Compute API, with real compute services."""
import uuid

import os_traits
import pytest

from stratus import exception
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import host_mapping as host_mapping_obj
from stratus.placement import providers
from stratus.placement import traits
from tests.functional import cloud
from tests.functional.hosts import fixtures


def services_by_binary(api, **kwargs):
    return {service["binary"]: service
            for service in api.get("/os-services", **kwargs)["services"]}


def test_list_shows_every_service_with_its_zone_and_state(
        hosts_on_each_backend):
    hosts = hosts_on_each_backend
    hosts.start_compute("cmp1")
    api = fixtures.client(hosts.app)
    services = services_by_binary(api)
    assert set(services) == {"nova-conductor", "nova-compute"}
    compute = services["nova-compute"]
    assert compute["host"] == "cmp1"
    assert compute["zone"] == "nova"
    assert (compute["status"], compute["state"]) == ("enabled", "up")
    assert compute["disabled_reason"] is None
    assert isinstance(compute["id"], int)
    assert "forced_down" not in compute
    assert compute["updated_at"].count(".") == 1  # microseconds, as Nova
    assert services["nova-conductor"]["zone"] == "internal"


def test_ids_become_uuids_and_forced_down_appears(hosts):
    hosts.start_compute("cmp1")
    api = fixtures.client(hosts.app)
    assert services_by_binary(api, version="2.11")["nova-compute"][
        "forced_down"] is False
    compute = services_by_binary(api, version="2.53")["nova-compute"]
    assert uuid.UUID(compute["id"])


def test_filters_by_host_and_binary(hosts):
    hosts.start_compute("cmp1")
    hosts.start_compute("cmp2")
    api = fixtures.client(hosts.app)
    listed = api.get("/os-services?binary=nova-compute&host=cmp2")["services"]
    assert [(s["host"], s["binary"]) for s in listed] == [
        ("cmp2", "nova-compute")]
    # unknown query parameters: ignored before 2.75, refused from it
    assert api.get("/os-services?foo=1", version="2.74")["services"]
    response = api.request("GET", "/v2.1/os-services?foo=1", version="2.75")
    assert response.status_int == 400


def test_only_admins_list_services(hosts):
    response = fixtures.client(hosts.app, token=cloud.DEMO).request(
        "GET", "/v2.1/os-services")
    assert response.status_int == 403
    assert "os_compute_api:os-services:list" in \
        response.json["forbidden"]["message"]


def test_legacy_actions_disable_enable_and_force_down(hosts):
    hosts.start_compute("cmp1")
    api = fixtures.client(hosts.app, version="2.11")
    target = {"host": "cmp1", "binary": "nova-compute"}
    assert api.put("/os-services/disable-log-reason",
                   dict(target, disabled_reason="maintenance")) == {
        "service": dict(target, status="disabled",
                        disabled_reason="maintenance")}
    compute = services_by_binary(api)["nova-compute"]
    assert (compute["status"], compute["disabled_reason"]) == (
        "disabled", "maintenance")
    assert api.put("/os-services/enable", target) == {
        "service": dict(target, status="enabled")}
    assert api.put("/os-services/force-down",
                   dict(target, forced_down=True)) == {
        "service": dict(target, forced_down=True)}
    compute = services_by_binary(api)["nova-compute"]
    assert (compute["status"], compute["state"], compute["forced_down"]) == (
        "enabled", "down", True)


def test_legacy_action_errors(hosts):
    hosts.start_compute("cmp1")
    compute = {"host": "cmp1", "binary": "nova-compute"}
    for path, body, version, status, message in (
            ("reboot", compute, "2.1", 404, "Unknown action"),
            ("force-down", dict(compute, forced_down=True), "2.10", 400,
             "Additional properties"),
            ("force-down", compute, "2.11", 400, "Missing forced_down field"),
            ("disable-log-reason", compute, "2.1", 400,
             "Missing disabled reason field"),
            ("disable", {"host": "control", "binary": "nova-conductor"},
             "2.1", 400, "Only nova-compute services can be updated"),
            ("disable", {"host": "cmp9", "binary": "nova-compute"}, "2.1",
             404, "Could not find binary nova-compute on host cmp9"),
            ("disable", {"host": "cmp1"}, "2.1", 400, "binary")):
        response = fixtures.client(hosts.app, version=version).request(
            "PUT", "/v2.1/os-services/" + path, body)
        assert response.status_int == status, (path, response.text)
        (fault,) = response.json.values()
        assert message in fault["message"]


def test_update_by_uuid(hosts_on_each_backend):
    hosts = hosts_on_each_backend
    hosts.start_compute("cmp1")
    api = fixtures.client(hosts.app, version="2.53")
    service_id = services_by_binary(api)["nova-compute"]["id"]
    updated = api.put("/os-services/%s" % service_id,
                      {"status": "disabled", "disabled_reason": "rack 4"})
    service = updated["service"]
    assert (service["id"], service["status"], service["disabled_reason"],
            service["forced_down"], service["zone"]) == (
        service_id, "disabled", "rack 4", False, "nova")
    service = api.put("/os-services/%s" % service_id,
                      {"forced_down": True})["service"]
    assert (service["status"], service["state"]) == ("disabled", "down")
    service = api.put("/os-services/%s" % service_id,
                      {"status": "enabled", "forced_down": "false"})["service"]
    assert (service["status"], service["disabled_reason"],
            service["state"]) == ("enabled", None, "up")


def test_disabling_marks_the_nodes_in_placement(hosts_on_each_backend):
    """As in Nova: a disabled compute's providers carry
    COMPUTE_STATUS_DISABLED (the scheduler's placement query forbids it),
    and enabling it clears the trait again."""
    hosts = hosts_on_each_backend
    hosts.start_compute("cmp1")
    api = fixtures.client(hosts.app, version="2.53")
    service_id = services_by_binary(api)["nova-compute"]["id"]
    nodes = compute_node_obj.ComputeNodeList.get_by_host(hosts.ctx, "cmp1")
    assert nodes

    def marked():
        return [os_traits.COMPUTE_STATUS_DISABLED in traits.provider_traits(
            hosts.ctx, node.uuid)[0] for node in nodes]

    assert marked() == [False] * len(nodes)
    api.put("/os-services/%s" % service_id,
            {"status": "disabled", "disabled_reason": "rack 4"})
    assert marked() == [True] * len(nodes)
    api.put("/os-services/%s" % service_id, {"status": "enabled"})
    assert marked() == [False] * len(nodes)
    # The legacy actions do the same.
    target = {"host": "cmp1", "binary": "nova-compute"}
    fixtures.client(hosts.app).put("/os-services/disable", target)
    assert marked() == [True] * len(nodes)


def test_update_by_uuid_errors(hosts):
    hosts.start_compute("cmp1")
    api = fixtures.client(hosts.app, version="2.53")
    service_id = services_by_binary(api)["nova-compute"]["id"]
    for body, message in (
            ({"status": "enabled", "disabled_reason": "x"},
             "Specifying 'disabled_reason' with status 'enabled' is "
             "invalid."),
            ({}, "No updates were requested"),
            ({"disabled_reason": "only a reason"},
             "No updates were requested"),
            ({"status": "sleeping"}, "status"),
            ({"forced_down": "maybe"}, "forced_down")):
        response = api.request("PUT", "/v2.1/os-services/%s" % service_id,
                               body)
        assert response.status_int == 400, body
        assert message in response.json["badRequest"]["message"]


def test_update_by_uuid_names_the_service_exactly(hosts):
    api = fixtures.client(hosts.app, version="2.53")
    conductor_id = services_by_binary(api)["nova-conductor"]["id"]
    for service_id, status in (("enable", 400), (str(uuid.uuid4()), 404),
                               (conductor_id, 400)):
        response = api.request("PUT", "/v2.1/os-services/%s" % service_id,
                               {"status": "disabled"})
        assert response.status_int == status, (service_id, response.text)


def test_delete_a_compute_service_takes_its_nodes_with_it(
        hosts_on_each_backend):
    hosts = hosts_on_each_backend
    hosts.start_compute("cmp1")
    hosts.stop_compute("cmp1")
    api = fixtures.client(hosts.app, version="2.53")
    service_id = services_by_binary(api)["nova-compute"]["id"]
    nodes = compute_node_obj.ComputeNodeList.get_by_host(hosts.ctx, "cmp1")
    assert nodes
    api.delete("/os-services/%s" % service_id, expected=(204,))
    assert set(services_by_binary(api)) == {"nova-conductor"}
    assert not compute_node_obj.ComputeNodeList.get_by_host(hosts.ctx,
                                                            "cmp1")
    assert providers.providers_with_inventories(
        hosts.ctx, [node.uuid for node in nodes]) == {}
    with pytest.raises(exception.HostMappingNotFound):
        host_mapping_obj.HostMapping.get_by_host(hosts.ctx, "cmp1")
    assert api.get("/os-hypervisors")["hypervisors"] == []
    response = api.request("DELETE", "/v2.1/os-services/%s" % service_id)
    assert response.status_int == 404


def test_a_compute_service_hosting_servers_is_not_deleted(hosts):
    hosts.start_compute("cmp1")
    hosts.create_instance("cmp1", "cmp1-node1")
    api = fixtures.client(hosts.app)
    service_id = services_by_binary(api)["nova-compute"]["id"]
    response = api.request("DELETE", "/v2.1/os-services/%d" % service_id)
    assert response.status_int == 409
    assert "hosting instances" in response.json["conflictingRequest"][
        "message"]


def test_delete_errors(hosts):
    for service_id, version, status in (
            ("abc", "2.1", 400), ("999999", "2.1", 404), ("-1", "2.1", 404),
            ("1", "2.53", 400), (str(uuid.uuid4()), "2.53", 404)):
        response = fixtures.client(hosts.app, version=version).request(
            "DELETE", "/v2.1/os-services/%s" % service_id)
        assert response.status_int == status, response.text
