"""`stratus volume`'s listener over HTTP: the app it serves on [cinder]
listen/port, with the types made and a stopped service's leftovers
handled before it answers."""
import json
import urllib.error
import urllib.request

from stratus.cmd import services
from stratus import wsgi_server


def _call(url, method="GET", body=None):
    req = urllib.request.Request(url, method=method, headers={
        "X-Auth-Token": "alice:project-a",
        "Content-Type": "application/json",
        "OpenStack-API-Version": "volume 3.71"},
        data=None if body is None else json.dumps(body).encode())
    try:
        with urllib.request.urlopen(req, timeout=60) as reply:
            return reply.status, reply.headers, json.loads(
                reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def test_the_volume_listener_serves_cinder_over_http(volume_conf,
                                                     sqlite_databases):
    volume_conf.set_override("port", 0, "cinder")
    try:
        listener = services.volume_listener(volume_conf, sqlite_databases)
        assert listener[0] == "volume"
        assert listener[2] == "127.0.0.1"
        server = wsgi_server.serve([listener], threads=4)
        try:
            url = server.url("volume")
            status, _, body = _call(url + "/")
            assert status == 300
            assert body["versions"][0]["version"] == "3.71"
            status, headers, body = _call(url + "/v3/project-a/types")
            assert status == 200
            assert headers.get("OpenStack-API-Version") == "volume 3.71"
            assert [item["name"] for item in body["volume_types"]] == [
                "__DEFAULT__", "multiattach"]
            status, headers, body = _call(url + "/v3/volumes", "POST",
                                          {"volume": {"size": 1}})
            assert status == 202, body
            assert headers.get("x-openstack-request-id").startswith("req-")
        finally:
            server.stop()
            listener[1].worker.pool.shutdown(wait=True)
    finally:
        volume_conf.clear_override("port", "cinder")
