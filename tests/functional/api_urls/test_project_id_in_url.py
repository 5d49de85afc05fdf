"""Nova serves /v2.1/{project_id}/... as well as /v2.1/... (optional since
2.18); older service catalogs and clients still put the project id in."""


def test_urls_with_the_project_id_reach_the_same_resources(api):
    demo = api.as_user("demo:demo")
    plain = demo.request("GET", "/v2.1/flavors/1")
    prefixed = demo.request("GET", "/v2.1/demo/flavors/1")
    assert plain.status_int == prefixed.status_int == 200
    assert prefixed.json == plain.json
    assert demo.request("GET", "/v2.1/demo/servers/detail").json == {"servers": []}
    version = demo.request("GET", "/v2.1/demo")
    assert version.status_int == 200 and version.json["version"]["id"] == "v2.1"


def test_another_projects_id_in_the_url_is_refused(api):
    demo = api.as_user("demo:demo")
    response = demo.request("GET", "/v2.1/admin/servers")
    assert response.status_int == 400
    assert "doesn't match Context's project_id 'demo'" in (
        response.json["badRequest"]["message"])


def test_unknown_urls_stay_not_found(api):
    response = api.request("GET", "/v2.1/admin/no-such-thing")
    assert response.status_int == 404
    assert response.json["itemNotFound"]["code"] == 404
