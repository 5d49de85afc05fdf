"""2.104: PUT /servers/{id} unpins and pins again a server's availability
zone, which is its RequestSpec's (the zone the scheduler keeps every move
of the server in)."""
from stratus import context
from stratus.objects import request_spec as request_spec_obj
from tests.functional import cloud as cloud_harness


def test_pinning_changes_the_request_spec(cloud):
    api = cloud_harness.StackClient(cloud.apps["compute"],
                                    token=cloud_harness.DEMO)
    server_id = api.create_server(name="pinned", image=api.first_image_id(),
                                  availability_zone="nova")["server"]["id"]
    api.wait_for_status(server_id, "ACTIVE")
    path = "/servers/%s" % server_id

    def pinned():
        return request_spec_obj.RequestSpec.get_by_instance_uuid(
            context.get_admin_context(cloud.databases),
            server_id).availability_zone

    assert pinned() == "nova"
    shown = api.put(path, {"server": {"pinned_availability_zone": None}},
                    version="2.104")["server"]
    assert shown["pinned_availability_zone"] is None
    assert pinned() is None
    response = api.request("PUT", "/v2.1" + path, {"server": {
        "pinned_availability_zone": "other-zone"}}, version="2.104")
    assert response.status_int == 400
    assert pinned() is None
    api.put(path, {"server": {"pinned_availability_zone": "nova"}},
            version="2.104")
    assert pinned() == "nova"
    assert api.server(server_id)["pinned_availability_zone"] == "nova"
