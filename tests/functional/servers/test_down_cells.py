"""A cell whose database cannot be reached (2.69): lists show its servers
as minimal records from their instance mappings, show answers what the
request spec knows, os-services shows its computes as UNKNOWN; below 2.69
they are left out of lists and a show is a 503. Never a 500.

The down cell is a cell mapping whose database URL points at a closed
loopback port (PostgreSQL, MariaDB) or a SQLite file in a directory that
does not exist, on the backend under test."""
import uuid

import pytest

from stratus.objects import cell_mapping
from stratus.objects import flavor as flavor_obj
from stratus.objects import host_mapping
from stratus.objects import image_meta
from stratus.objects import instance_mapping
from stratus.objects import request_spec
from tests.functional.servers import fixtures

IMAGE = fixtures.IMAGE_ID


def _unreachable_url(databases):
    url = databases.api.url
    if url.startswith("postgresql"):
        return "postgresql+psycopg2://postgres@127.0.0.1:1/gone"
    if url.startswith("mysql"):
        return "mysql+pymysql://root@127.0.0.1:1/gone"
    return "sqlite:////nonexistent-stratus-dir/%s/gone.db" % uuid.uuid4()


class DownCell:
    def __init__(self, env):
        self.env = env
        ctx = env.ctx
        self.cell = cell_mapping.CellMapping(
            ctx, uuid=str(uuid.uuid4()), name="cell2", transport_url=None,
            database_connection=_unreachable_url(env.databases))
        self.cell.create()
        host_mapping.HostMapping(ctx, host="lost-host",
                                 cell_mapping=self.cell).create()

    def server(self, project_id="demo", user_id="demo", zone=None):
        """A server the cell holds: its mapping and request spec."""
        ctx = self.env.ctx
        server_id = str(uuid.uuid4())
        instance_mapping.InstanceMapping(
            ctx, instance_uuid=server_id, project_id=project_id,
            user_id=user_id, cell_uuid=self.cell.uuid,
            queued_for_delete=False).create()
        request_spec.RequestSpec(
            instance_uuid=server_id, project_id=project_id, user_id=user_id,
            flavor=flavor_obj.Flavor.get_by_flavor_id(ctx, "1"),
            image=image_meta.ImageMeta(id=IMAGE, properties={}),
            num_instances=1, availability_zone=zone, scheduler_hints={},
            ignore_hosts=[], is_bfv=False, requested_networks=[],
            security_groups=["default"]).create(ctx)
        return server_id


@pytest.fixture
def down(servers):
    return DownCell(servers)


def test_lists_show_down_cell_servers_from_269(servers, down):
    lost = down.server()
    down.server(project_id="other", user_id="other")
    up = servers.place(name="up").uuid
    index = servers.demo.get("/servers", version="2.69")["servers"]
    assert [server["id"] for server in index] == [lost, up]
    assert index[0]["status"] == "UNKNOWN"
    assert set(index[0]) == {"id", "status", "links"}
    assert index[0]["links"][0]["href"].endswith("/v2.1/servers/" + lost)
    detail = servers.demo.get("/servers/detail", version="2.69")["servers"]
    assert set(detail[0]) == {"id", "status", "links", "tenant_id",
                              "created"}
    assert (detail[0]["id"], detail[0]["tenant_id"]) == (lost, "demo")
    assert detail[1]["id"] == up and detail[1]["status"] == "ACTIVE"
    everyone = servers.admin.get("/servers?all_tenants=1",
                                 version="2.69")["servers"]
    assert len([s for s in everyone if s.get("status") == "UNKNOWN"]) == 2


def test_lists_skip_down_cell_servers_before_269(servers, down):
    down.server()
    up = servers.place(name="up").uuid
    for path in ("/servers", "/servers/detail"):
        listed = servers.demo.get(path, version="2.68")["servers"]
        assert [server["id"] for server in listed] == [up]


def test_filtered_or_sorted_lists_skip_down_cell_servers(servers, down):
    down.server()
    up = servers.place(name="up").uuid
    for query in ("?name=up", "?sort_key=display_name", "?status=ACTIVE"):
        listed = servers.demo.get("/servers" + query,
                                  version="2.69")["servers"]
        assert [server["id"] for server in listed] == [up], query


def test_limit_counts_down_cell_servers(servers, down):
    lost = down.server()
    up = servers.place(name="up").uuid
    listed = servers.demo.get("/servers/detail?limit=1",
                              version="2.69")["servers"]
    assert [(s["id"], s["status"]) for s in listed] == [(lost, "UNKNOWN")]
    # The down cell's servers come first and page like the others.
    rest = servers.demo.get("/servers/detail?limit=1&marker=" + lost,
                            version="2.69")["servers"]
    assert [(s["id"], s["status"]) for s in rest] == [(up, "ACTIVE")]
    both = servers.demo.get("/servers/detail?limit=5",
                            version="2.69")["servers"]
    assert [server["status"] for server in both] == ["UNKNOWN", "ACTIVE"]
    response = servers.demo.request(
        "GET", "/v2.1/servers?marker=" + lost, version="2.68")
    assert response.status_int == 503, response.text


def test_show_from_269(servers, down):
    lost = down.server(zone="nova")
    shown = servers.demo.get("/servers/%s" % lost, version="2.69")["server"]
    assert shown["status"] == "UNKNOWN"
    assert (shown["id"], shown["tenant_id"], shown["user_id"]) == (
        lost, "demo", "demo")
    assert shown["image"]["id"] == IMAGE
    assert shown["flavor"]["original_name"] == "m1.tiny"
    assert shown["OS-EXT-AZ:availability_zone"] == "nova"
    assert shown["OS-EXT-STS:power_state"] == 0
    assert "created" in shown and "links" in shown
    assert "server_groups" not in shown
    later = servers.demo.get("/servers/%s" % lost, version="2.71")["server"]
    assert later["server_groups"] == []
    no_zone = servers.demo.get("/servers/%s" % down.server(),
                               version="2.69")["server"]
    assert no_zone["OS-EXT-AZ:availability_zone"] == "UNKNOWN"


def test_show_before_269_is_503(servers, down):
    lost = down.server()
    response = servers.demo.request("GET", "/v2.1/servers/%s" % lost,
                                    version="2.68")
    assert response.status_int == 503, response.text
    assert "is not responding" in (
        response.json["serviceUnavailable"]["message"])


def test_other_projects_down_cell_server_is_hidden(servers, down):
    lost = down.server(project_id="other", user_id="other")
    response = servers.demo.request("GET", "/v2.1/servers/%s" % lost,
                                    version="2.69")
    assert response.status_int == 404, response.text


def test_actions_on_down_cell_server_are_503(servers, down):
    lost = down.server()
    for method, path, body in (
            ("DELETE", "/v2.1/servers/%s" % lost, None),
            ("PUT", "/v2.1/servers/%s" % lost, {"server": {"name": "x"}}),
            ("GET", "/v2.1/servers/%s/metadata" % lost, None)):
        response = servers.demo.request(method, path, body, version="2.69")
        assert response.status_int == 503, (method, path, response.text)


def test_services_show_down_cell_computes_from_269(servers, down):
    listed = servers.admin.get("/os-services", version="2.69")["services"]
    assert {"binary": "nova-compute", "host": "lost-host",
            "status": "UNKNOWN"} in listed
    assert servers.admin.get("/os-services?binary=nova-conductor",
                             version="2.69")["services"] == [
        service for service in servers.admin.get(
            "/os-services?binary=nova-conductor",
            version="2.68")["services"]]
    before = servers.admin.get("/os-services", version="2.68")["services"]
    assert all(service.get("host") != "lost-host" for service in before)


def test_hypervisors_skip_down_cells(servers, down):
    for version in ("2.68", "2.69"):
        response = servers.admin.request("GET", "/v2.1/os-hypervisors/detail",
                                         version=version)
        assert response.status_int == 200, response.text


def test_create_and_zones_work_with_a_down_cell(servers, down):
    down.server()
    response = servers.demo.request("POST", "/v2.1/servers", {"server": {
        "name": "new", "flavorRef": "1", "imageRef": IMAGE,
        "networks": "none"}}, version="2.69")
    assert response.status_int == 202, response.text
    for path in ("/os-availability-zone", "/limits", "/os-hypervisors/1"):
        response = servers.demo.request("GET", "/v2.1" + path,
                                        version="2.69")
        assert response.status_int < 500, (path, response.text)


class _CloudEnv:
    """What DownCell needs of the whole running cloud."""

    def __init__(self, cloud):
        from stratus import context as stratus_context
        self.databases = cloud.databases
        self.ctx = stratus_context.get_admin_context(cloud.databases)


@pytest.mark.slow
def test_running_cloud_with_a_down_cell(cloud, api):
    booted = api.create_server(image=api.first_image_id())["server"]["id"]
    api.wait_for_status(booted, "ACTIVE")
    down = DownCell(_CloudEnv(cloud))
    lost = down.server(project_id="admin", user_id="admin")
    assert [(s["id"], s["status"]) for s in api.get(
        "/servers/detail", version="2.69")["servers"]] == [
        (lost, "UNKNOWN"), (booted, "ACTIVE")]
    assert [s["id"] for s in api.get("/servers/detail",
                                     version="2.68")["servers"]] == [booted]
    assert api.get("/servers/%s" % lost,
                   version="2.69")["server"]["status"] == "UNKNOWN"
    assert api.request("GET", "/v2.1/servers/%s" % lost,
                       version="2.68").status_int == 503
    assert api.server(booted)["status"] == "ACTIVE"
    api.delete("/servers/%s" % booted)
    api.wait_for_deleted(booted)
