"""The password a guest posts to the metadata service
(POST /openstack/<version>/password, once until cleared, at most 1020
bytes), shown and cleared by its users through
/servers/{id}/os-server-password; on every database."""
import threading

import webob

from stratus.api.metadata import app as metadata_app
from stratus.metadata import password

ENCRYPTED = "dGhlIGd1ZXN0J3MgZW5jcnlwdGVkIHBhc3N3b3Jk" * 20  # 800 chars


def _boot(api):
    server = api.create_server(image=api.first_image_id(), networks="auto")
    return api.wait_for_status(server["server"]["id"], "ACTIVE")


class Guest:
    """Requests of a server's guest to the metadata service of its host."""

    def __init__(self, cloud, server):
        self.app = metadata_app.make_app(
            cloud.conf, cloud.databases,
            host=server["OS-EXT-SRV-ATTR:host"])
        self.address = server["addresses"]["private"][0]["addr"]

    def request(self, path, method="GET", body=None):
        req = webob.Request.blank(path, method=method,
                                  environ={"REMOTE_ADDR": self.address})
        if body is not None:
            req.body = body
        return req.get_response(self.app)


def test_post_show_clear_and_post_again(cloud, api):
    server = _boot(api)
    uuid = server["id"]
    guest = Guest(cloud, server)
    path = "/servers/%s/os-server-password" % uuid
    assert api.get(path) == {"password": None}
    assert guest.request("/openstack/latest/password").body == b""

    posted = guest.request("/openstack/latest/password", "POST",
                           ENCRYPTED.encode())
    assert posted.status_int == 200
    assert api.get(path) == {"password": ENCRYPTED}
    # The owner's project reads it too.
    owner = api.as_user("admin:admin")
    assert owner.get(path)["password"] == ENCRYPTED
    assert guest.request("/openstack/2013-04-04/password").text == ENCRYPTED

    again = guest.request("/openstack/2013-04-04/password", "POST", b"x")
    assert again.status_int == 409
    assert api.get(path)["password"] == ENCRYPTED

    assert api.request("DELETE", "/v2.1" + path).status_int == 204
    assert api.get(path) == {"password": None}
    assert guest.request("/openstack/2013-04-04/password", "POST",
                         b"second").status_int == 200
    assert api.get(path) == {"password": "second"}


def test_size_limit_and_old_versions(cloud, api):
    server = _boot(api)
    guest = Guest(cloud, server)
    too_big = guest.request("/openstack/latest/password", "POST",
                            b"x" * (password.MAX_SIZE + 1))
    assert too_big.status_int == 400
    assert b"Request is too large." in too_big.body
    assert guest.request("/openstack/2012-08-10/password", "POST",
                         b"x").status_int == 404
    assert b"password" not in guest.request("/openstack/2012-08-10").body
    assert b"password" in guest.request("/openstack/2013-04-04").body
    largest = b"y" * password.MAX_SIZE
    assert guest.request("/openstack/latest/password", "POST",
                         largest).status_int == 200
    assert api.get("/servers/%s/os-server-password" % server["id"]
                   )["password"] == largest.decode()


def test_policies(cloud, api):
    server = _boot(api)
    path = "/v2.1/servers/%s/os-server-password" % server["id"]
    assert api.request("GET", path, token="other:other").status_int == 404
    # A reader of the owner's project may look, not clear.
    reader = {"X-Roles": "reader"}
    assert api.request("GET", path, token="demo:admin",
                       headers=reader).status_int == 200
    assert api.request("DELETE", path, token="demo:admin",
                       headers=reader).status_int == 403
    assert api.request("DELETE", path, token="demo:admin"
                       ).status_int == 204
    missing = "/v2.1/servers/00000000-0000-0000-0000-000000000001"
    assert api.request("GET", missing + "/os-server-password"
                       ).status_int == 404


def test_of_racing_posts_one_wins(cloud, api):
    """Guests' posts at once: one is kept, the others are refused (the
    instance's row is held while the password is checked and written)."""
    server = _boot(api)
    guest = Guest(cloud, server)
    barrier = threading.Barrier(4)
    statuses = {}

    def post(index):
        barrier.wait()
        statuses[index] = guest.request("/openstack/latest/password",
                                        "POST", b"pw%d" % index).status_int

    threads = [threading.Thread(target=post, args=(index,))
               for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses.values()) == [200, 409, 409, 409]
    [winner] = [index for index, status in statuses.items() if status == 200]
    assert api.get("/servers/%s/os-server-password" % server["id"]) == {
        "password": "pw%d" % winner}
