"""The version documents at / and /v2.1."""
import pytest
import webob

from tests.functional.api import fixtures


@pytest.fixture
def app(conf, sqlite_databases):
    return fixtures.make_app(conf, sqlite_databases)


def _get(app, path, **headers):
    client = fixtures.client(app)
    return client.request("GET", path, token="", headers=headers)


def test_root_lists_major_versions_without_auth(app):
    response = _get(app, "/")
    assert response.status_int == 200
    assert response.json == {"versions": [
        {"id": "v2.0", "status": "SUPPORTED", "version": "",
         "min_version": "", "updated": "2011-01-21T11:33:21Z",
         "links": [{"href": "http://localhost/v2/", "rel": "self"}]},
        {"id": "v2.1", "status": "CURRENT", "version": "2.104",
         "min_version": "2.1", "updated": "2013-07-23T11:33:21Z",
         "links": [{"href": "http://localhost/v2.1/", "rel": "self"}]}]}


def test_v2_1_document(app):
    response = _get(app, "/v2.1")
    assert response.status_int == 200
    assert response.json == {"version": {
        "id": "v2.1", "status": "CURRENT", "version": "2.104",
        "min_version": "2.1", "updated": "2013-07-23T11:33:21Z",
        "links": [{"href": "http://localhost/v2.1/", "rel": "self"},
                  {"href": "http://docs.openstack.org/",
                   "rel": "describedby", "type": "text/html"}],
        "media-types": [{
            "base": "application/json",
            "type": "application/vnd.openstack.compute+json;version=2.1"}]}}
    assert response.headers["OpenStack-API-Version"] == "compute 2.1"
    assert _get(app, "/v2.1/").status_int == 200


def test_links_follow_the_request_host_and_the_prefix(app, conf):
    response = app(_environ("/", "cloud.example.com:8774", "https"),
                   _ignore_start)
    body = b"".join(response).decode()
    assert "https://cloud.example.com:8774/v2.1/" in body
    conf.set_override("compute_link_prefix", "https://api.example.org/compute",
                      group="api")
    assert _get(app, "/").json["versions"][1]["links"][0]["href"] == (
        "https://api.example.org/compute/v2.1/")


def test_unsupported_version_is_refused(app):
    response = _get(app, "/v2.1", **{"OpenStack-API-Version": "compute 3.0"})
    assert response.status_int == 406


def _environ(path, host, scheme):
    environ = webob.Request.blank(path).environ
    environ.update({"HTTP_HOST": host, "wsgi.url_scheme": scheme})
    return environ


def _ignore_start(status, headers, exc_info=None):
    return None
