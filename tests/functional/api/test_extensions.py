"""The legacy /extensions listing."""
import pytest

from tests.functional.api import fixtures


@pytest.fixture
def member(conf, sqlite_databases):
    return fixtures.client(fixtures.make_app(conf, sqlite_databases),
                           token="alice:project-a")


def test_list_and_show(member):
    extensions = member.get("/extensions")["extensions"]
    aliases = [extension["alias"] for extension in extensions]
    assert aliases == sorted(aliases)
    assert {"os-keypairs", "OS-FLV-EXT-DATA", "os-quota-sets"} <= set(aliases)
    shown = member.get("/extensions/os-keypairs")["extension"]
    assert shown == {"alias": "os-keypairs", "name": "Keypairs",
                     "description": shown["description"],
                     "namespace": "http://docs.openstack.org/compute/ext/"
                                  "fake_xml",
                     "updated": "2014-12-03T00:00:00Z", "links": []}
    assert shown in extensions


def test_unknown_alias(member):
    response = member.request("GET", "/v2.1/extensions/os-nothing")
    assert response.status_int == 404
    assert response.json["itemNotFound"]["code"] == 404
