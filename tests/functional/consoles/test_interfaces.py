"""/servers/{id}/os-interface: list and show from the server's network
info; attach and detach are refused as Nova refuses what a host cannot
do."""
from tests.functional import cloud as cloud_harness


def _boot(api, networks="auto"):
    server = api.create_server(image=api.first_image_id(), networks=networks)
    return api.wait_for_status(server["server"]["id"], "ACTIVE")


def test_list_and_show_interfaces(cloud, api):
    server = _boot(api)
    uuid = server["id"]
    attachments = api.get("/servers/%s/os-interface" % uuid,
                          version="2.1")["interfaceAttachments"]
    assert len(attachments) == 1
    attachment = attachments[0]
    assert set(attachment) == {"port_id", "net_id", "mac_addr",
                               "port_state", "fixed_ips"}
    address = server["addresses"]["private"][0]
    assert attachment["mac_addr"] == address["OS-EXT-IPS-MAC:mac_addr"]
    assert attachment["port_state"] == "ACTIVE"
    [fixed_ip] = attachment["fixed_ips"]
    assert fixed_ip["ip_address"] == address["addr"]
    assert fixed_ip["subnet_id"]

    shown = api.get("/servers/%s/os-interface/%s" % (
        uuid, attachment["port_id"]), version="2.70")["interfaceAttachment"]
    assert shown == dict(attachment, tag=None)
    response = api.request("GET", "/v2.1/servers/%s/os-interface/%s" % (
        uuid, "00000000-0000-0000-0000-000000000001"))
    assert response.status_int == 404 and "itemNotFound" in response.json
    assert api.request("GET", "/v2.1/servers/%s/os-interface" %
                       "00000000-0000-0000-0000-000000000002"
                       ).status_int == 404
    # Another project cannot see them.
    assert api.request("GET", "/v2.1/servers/%s/os-interface" % uuid,
                       token="other:other").status_int == 404

    no_ports = _boot(api, networks="none")
    assert api.get("/servers/%s/os-interface" % no_ports["id"]
                   )["interfaceAttachments"] == []


def test_attach_and_detach(cloud, api):
    server = _boot(api)
    uuid = server["id"]
    [first] = api.get("/servers/%s/os-interface" % uuid
                      )["interfaceAttachments"]
    path = "/v2.1/servers/%s/os-interface" % uuid
    for body in ({"interfaceAttachment": {"port_id": "not-a-uuid"}},
                 {"interfaceAttachment": {"bogus": 1}},
                 {"interfaceAttachment": {"fixed_ips": [
                     {"ip_address": "10.0.0.9"}]}},
                 {"interfaceAttachment": {
                     "port_id": first["port_id"],
                     "net_id": first["net_id"]}}):
        response = api.request("POST", path, body)
        assert response.status_int == 400, (body, response.text)
    # tag only from 2.49.
    assert api.request("POST", path, {"interfaceAttachment": {"tag": "a"}},
                       version="2.48").status_int == 400
    response = api.request("POST", path, {"interfaceAttachment": {
        "net_id": "00000000-0000-0000-0000-0000000000ee"}})
    assert response.status_int == 404 and "itemNotFound" in response.json
    response = api.request("POST", path, {"interfaceAttachment": {
        "port_id": "00000000-0000-0000-0000-0000000000ef"}})
    assert response.status_int == 404

    response = api.request("POST", path, {"interfaceAttachment": {
        "net_id": first["net_id"]}})
    assert response.status_int == 200, response.text
    added = response.json["interfaceAttachment"]
    assert added["net_id"] == first["net_id"]
    assert added["port_id"] != first["port_id"]
    listed = api.get("/servers/%s/os-interface" % uuid)["interfaceAttachments"]
    assert [a["port_id"] for a in listed] == [first["port_id"],
                                              added["port_id"]]
    addresses = [a["addr"] for a in api.server(uuid)["addresses"]["private"]]
    assert added["fixed_ips"][0]["ip_address"] in addresses

    # A member of another project cannot touch them.
    assert api.request("DELETE", path + "/" + added["port_id"],
                       token=cloud_harness.DEMO).status_int == 404
    assert api.request("DELETE", path + "/00000000-0000-0000-0000-00000000000a"
                       ).status_int == 404
    assert api.request("DELETE", path + "/" + added["port_id"]
                       ).status_int == 202
    assert [a["port_id"] for a in api.get(
        "/servers/%s/os-interface" % uuid)["interfaceAttachments"]] == [
        first["port_id"]]
    # Both are in the server's action log, as Nova records them (what
    # Horizon's Action Log tab shows).
    actions = [action["action"] for action in api.get(
        "/servers/%s/os-instance-actions" % uuid)["instanceActions"]]
    assert actions[:2] == ["detach_interface", "attach_interface"], actions


def test_attach_to_a_server_that_is_not_running_is_a_conflict(cloud, api):
    cloud.services[-1].manager.driver._fail_spawn = __import__("re").compile(
        "^broken$")
    server = api.create_server(name="broken", image=api.first_image_id(),
                               networks="auto")
    server = api.wait_for_status(server["server"]["id"], "ERROR")
    response = api.request("POST", "/v2.1/servers/%s/os-interface"
                           % server["id"], {"interfaceAttachment": {}})
    assert response.status_int == 409 and "conflictingRequest" in response.json
