"""trusted_image_certificates (2.63): accepted at create, kept with the
server (instance_extra in its cell), shown in server bodies from 2.63;
Nova's [glance] defaults apply when a request names none."""
import pytest

from tests.functional.servers import fixtures

IMAGE = fixtures.IMAGE_ID


def _create(client, version="2.63", expected=202, **server):
    body = dict({"name": "vm", "flavorRef": "1", "imageRef": IMAGE,
                 "networks": "none"}, **server)
    response = client.request("POST", "/v2.1/servers", {"server": body},
                              version=version)
    assert response.status_int == expected, response.text
    return response


def test_certificates_kept_and_shown_from_263(sqlite_servers):
    server_id = _create(sqlite_servers.demo, trusted_image_certificates=[
        "cert-a", "cert-b"]).json["server"]["id"]
    shown = sqlite_servers.demo.get("/servers/%s" % server_id,
                                    version="2.63")["server"]
    assert shown["trusted_image_certificates"] == ["cert-a", "cert-b"]
    before = sqlite_servers.demo.get("/servers/%s" % server_id,
                                     version="2.62")["server"]
    assert "trusted_image_certificates" not in before


def test_refused_below_263(sqlite_servers):
    response = _create(sqlite_servers.demo, version="2.62", expected=400,
                       trusted_image_certificates=["cert-a"])
    assert "trusted_image_certificates" in (
        response.json["badRequest"]["message"])


@pytest.mark.parametrize("certs", [
    [], ["same", "same"], [""], ["c%d" % i for i in range(51)], "cert-a",
    [1]])
def test_bad_certificate_lists_refused(sqlite_servers, certs):
    response = _create(sqlite_servers.demo, expected=400,
                       trusted_image_certificates=certs)
    assert response.json["badRequest"]["message"].startswith(
        "Invalid input for field/attribute")


def test_none_requested_shows_null(sqlite_servers):
    server_id = _create(sqlite_servers.demo, trusted_image_certificates=None
                        ).json["server"]["id"]
    shown = sqlite_servers.demo.get("/servers/%s" % server_id,
                                    version="2.63")["server"]
    assert shown["trusted_image_certificates"] is None


@pytest.mark.parametrize("verify,validate,expected", [
    (True, True, ["default-1", "default-2"]),
    (True, False, None),
    (False, True, None),
])
def test_configured_defaults(sqlite_servers, conf, verify, validate,
                             expected):
    conf.set_override("verify_glance_signatures", verify, group="glance")
    conf.set_override("enable_certificate_validation", validate,
                      group="glance")
    conf.set_override("default_trusted_certificate_ids",
                      ["default-1", "default-2"], group="glance")
    server_id = _create(sqlite_servers.demo).json["server"]["id"]
    assert sqlite_servers.build_request(server_id).instance.trusted_certs == (
        expected)
    requested = _create(sqlite_servers.demo,
                        trusted_image_certificates=["mine"]).json["server"]
    assert sqlite_servers.build_request(
        requested["id"]).instance.trusted_certs == ["mine"]


def test_certificates_read_from_the_cell(servers):
    placed = servers.place(trusted_certs=["cert-a", "cert-b"])
    plain = servers.place(name="plain")
    assert servers.instance(placed.uuid).trusted_certs == ["cert-a", "cert-b"]
    shown = servers.demo.get("/servers/%s" % placed.uuid,
                             version="2.63")["server"]
    assert shown["trusted_image_certificates"] == ["cert-a", "cert-b"]
    listed = {server["id"]: server["trusted_image_certificates"]
              for server in servers.demo.get("/servers/detail",
                                             version="2.63")["servers"]}
    assert listed == {placed.uuid: ["cert-a", "cert-b"], plain.uuid: None}
    updated = servers.demo.put("/servers/%s" % placed.uuid,
                               {"server": {"name": "renamed"}},
                               version="2.63")["server"]
    assert updated["trusted_image_certificates"] == ["cert-a", "cert-b"]
    assert "trusted_image_certificates" not in servers.demo.get(
        "/servers/detail", version="2.62")["servers"][0]
