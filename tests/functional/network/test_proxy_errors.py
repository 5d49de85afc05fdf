"""The compute API's network proxies when the network service cannot
answer: Nova's error bodies, never a traceback."""
import pytest
import webob

from stratus.api.compute import app as compute_app
from stratus.network import neutron


def _get(app, path):
    req = webob.Request.blank(path, headers={
        "X-Auth-Token": "alice:project-a", "Accept": "application/json",
        "OpenStack-API-Version": "compute 2.35"})
    return req.get_response(app)


@pytest.mark.parametrize("path", ["/v2.1/os-networks",
                                  "/v2.1/os-networks/some-id",
                                  "/v2.1/os-tenant-networks",
                                  "/v2.1/os-floating-ip-pools",
                                  "/v2.1/os-security-groups",
                                  "/v2.1/os-floating-ips"])
def test_an_unreachable_network_service_is_a_503(conf, sqlite_databases,
                                                 path):
    conf.set_override("endpoint_override", "http://127.0.0.1:9",
                      group="neutron")
    app = compute_app.make_app(conf, sqlite_databases, None,
                               network_api=neutron.NeutronAPI.from_conf(conf))
    response = _get(app, path)
    assert response.status_int == 503
    assert response.json["serviceUnavailable"]["code"] == 503
    assert "network service is unavailable" in (
        response.json["serviceUnavailable"]["message"])


def test_the_compute_api_makes_its_own_client_in_process(conf,
                                                         sqlite_databases):
    """A compute app given no network client reaches the built-in network
    service in-process over the same databases."""
    app = compute_app.make_app(conf, sqlite_databases, None)
    response = _get(app, "/v2.1/os-networks")
    assert response.status_int == 200
    assert response.json == {"networks": []}
