"""/flavors, flavor access and extra specs, through the Compute app on
every database backend."""
import pytest

from stratus import context as stratus_context
from stratus import objects
from tests.functional.api import fixtures

MEMBER = "alice:project-a"
OTHER = "bob:project-b"


@pytest.fixture
def app(conf, databases):
    return fixtures.make_app(conf, databases)


@pytest.fixture
def admin(app):
    return fixtures.client(app)


@pytest.fixture
def sqlite_admin(conf, sqlite_databases):
    """For tests of API behaviour rather than of the database."""
    return fixtures.client(fixtures.make_app(conf, sqlite_databases))


def _create(admin, version="2.1", expected=(200,), **values):
    flavor = {"name": "small", "ram": 512, "vcpus": 1, "disk": 1}
    flavor.update(values)
    return admin.post("/flavors", {"flavor": flavor}, version=version,
                      expected=expected)


def _status(client, method, path, body=None, version="2.1", token=None):
    return client.request(method, "/v2.1" + path, body, version=version,
                          token=token)


def test_create_show_list_delete(admin):
    created = _create(admin, id="tiny", swap=0,
                      **{"OS-FLV-EXT-DATA:ephemeral": 2})["flavor"]
    assert created == {
        "id": "tiny", "name": "small", "ram": 512, "disk": 1, "swap": "",
        "vcpus": 1, "OS-FLV-EXT-DATA:ephemeral": 2,
        "OS-FLV-DISABLED:disabled": False,
        "os-flavor-access:is_public": True, "rxtx_factor": 1.0,
        "links": [
            {"rel": "self", "href": "http://localhost/v2.1/flavors/tiny"},
            {"rel": "bookmark", "href": "http://localhost/flavors/tiny"}]}
    assert admin.get("/flavors/tiny")["flavor"] == created
    assert admin.get("/flavors")["flavors"] == [
        {"id": "tiny", "name": "small", "links": created["links"]}]
    assert admin.get("/flavors/detail")["flavors"] == [created]
    response = _status(admin, "DELETE", "/flavors/tiny")
    assert response.status_int == 202
    response = _status(admin, "GET", "/flavors/tiny")
    assert response.status_int == 404
    assert response.json == {"itemNotFound": {
        "code": 404, "message": "Flavor tiny could not be found."}}


def test_id_is_generated_when_absent_or_null(admin):
    first = _create(admin, name="a")["flavor"]["id"]
    second = _create(admin, name="b", id=None)["flavor"]["id"]
    assert len(first) == 36 and len(second) == 36 and first != second
    assert _create(admin, name="c", id=42)["flavor"]["id"] == "42"


def test_duplicates_conflict(admin):
    _create(admin, id="1")
    response = _status(admin, "POST", "/flavors", {"flavor": {
        "name": "other", "id": "1", "ram": 1, "vcpus": 1, "disk": 0}})
    assert response.status_int == 409
    assert response.json["conflictingRequest"]["message"] == (
        "Flavor with ID 1 already exists.")
    response = _status(admin, "POST", "/flavors", {"flavor": {
        "name": "small", "ram": 1, "vcpus": 1, "disk": 0}})
    assert response.status_int == 409
    assert response.json["conflictingRequest"]["message"] == (
        "Flavor with name small already exists.")


@pytest.mark.parametrize("flavor", [
    {"name": "x", "ram": 0, "vcpus": 1, "disk": 0},
    {"name": "x", "ram": "0", "vcpus": 1, "disk": 0},
    {"name": " x", "ram": 1, "vcpus": 1, "disk": 0},
    {"name": "x", "ram": 1, "vcpus": 1},
    {"name": "x", "ram": 1, "vcpus": 1, "disk": 0, "bogus": 1},
    {"name": "x", "ram": 1, "vcpus": 1, "disk": 0, "rxtx_factor": 0},
    {"name": "x", "ram": 1, "vcpus": 1, "disk": 0, "id": " a"},
    {"name": "x", "ram": 1, "vcpus": 1, "disk": 0, "description": "d"},
])
def test_bad_bodies_are_rejected(sqlite_databases, conf, flavor):
    admin = fixtures.client(fixtures.make_app(conf, sqlite_databases))
    response = _status(admin, "POST", "/flavors", {"flavor": flavor})
    assert response.status_int == 400, response.text
    assert response.json["badRequest"]["code"] == 400


def test_reader_and_member_cannot_manage_flavors(admin):
    _create(admin, id="f")
    body = {"flavor": {"name": "x", "ram": 1, "vcpus": 1, "disk": 0}}
    for token, roles in ((MEMBER, None), ("admin:admin", "reader")):
        headers = {"X-Roles": roles} if roles else None
        response = admin.request("POST", "/v2.1/flavors", body, token=token,
                                 headers=headers)
        assert response.status_int == 403, response.text
        assert "os_compute_api:os-flavor-manage:create" in (
            response.json["forbidden"]["message"])
    assert _status(admin, "DELETE", "/flavors/f",
                   token=MEMBER).status_int == 403


def test_private_flavors_are_visible_to_admins_and_granted_projects(admin):
    _create(admin, id="pub", name="pub")
    _create(admin, id="priv", name="priv",
            **{"os-flavor-access:is_public": False})
    admin.post("/flavors/priv/action",
               {"addTenantAccess": {"tenant": "project-a"}})

    def ids(token, query=""):
        return [f["id"] for f in admin.get("/flavors" + query,
                                           token=token)["flavors"]]
    assert ids(MEMBER) == ["priv", "pub"]
    assert ids(OTHER) == ["pub"]
    assert _status(admin, "GET", "/flavors/priv", token=OTHER
                   ).status_int == 404
    assert admin.get("/flavors/priv", token=MEMBER)["flavor"]["id"] == "priv"
    # admins see public ones by default, private ones on request
    assert ids("admin:admin") == ["pub"]
    assert ids("admin:admin", "?is_public=false") == ["priv"]
    assert ids("admin:admin", "?is_public=none") == ["priv", "pub"]
    # is_public is an admin filter
    assert ids(OTHER, "?is_public=false") == ["pub"]
    response = _status(admin, "GET", "/flavors?is_public=maybe")
    assert response.status_int == 400
    # the other project cannot change it either
    response = _status(admin, "POST", "/flavors/priv/action",
                       {"addTenantAccess": {"tenant": "project-b"}},
                       token=OTHER)
    assert response.status_int == 403


def test_flavor_access_actions(admin):
    _create(admin, id="priv", **{"os-flavor-access:is_public": False})
    _create(admin, id="pub", name="pub")
    body = admin.post("/flavors/priv/action",
                      {"addTenantAccess": {"tenant": "p1"}})
    assert body == {"flavor_access": [{"flavor_id": "priv",
                                       "tenant_id": "p1"}]}
    response = _status(admin, "POST", "/flavors/priv/action",
                       {"addTenantAccess": {"tenant": "p1"}})
    assert response.status_int == 409
    assert admin.get("/flavors/priv/os-flavor-access") == body
    response = _status(admin, "GET", "/flavors/pub/os-flavor-access")
    assert response.status_int == 404
    assert admin.post("/flavors/priv/action", {
        "removeTenantAccess": {"tenant": "p1"}}) == {"flavor_access": []}
    response = _status(admin, "POST", "/flavors/priv/action",
                       {"removeTenantAccess": {"tenant": "p1"}})
    assert response.status_int == 404
    for bad in ({"addTenantAccess": {}}, {"explode": {}},
                {"addTenantAccess": {"tenant": "x"}, "b": 1}):
        assert _status(admin, "POST", "/flavors/priv/action",
                       bad).status_int == 400
    assert _status(admin, "POST", "/flavors/nope/action", {
        "addTenantAccess": {"tenant": "x"}}).status_int == 404


def test_adding_access_to_a_public_flavor_conflicts_from_2_7(sqlite_admin):
    admin = sqlite_admin
    _create(admin, id="pub")
    body = {"addTenantAccess": {"tenant": "p1"}}
    assert _status(admin, "POST", "/flavors/pub/action", body,
                   version="2.6").status_int == 200
    response = _status(admin, "POST", "/flavors/pub/action", body,
                       version="2.7")
    assert response.status_int == 409
    assert response.json["conflictingRequest"]["message"] == (
        "Can not add access to a public flavor.")


def test_description_from_2_55(sqlite_admin):
    admin = sqlite_admin
    _create(admin, version="2.55", id="d", description="for tests")
    assert "description" not in admin.get("/flavors/d",
                                           version="2.54")["flavor"]
    assert admin.get("/flavors/d", version="2.55")["flavor"][
        "description"] == "for tests"
    assert admin.get("/flavors", version="2.55")["flavors"][0][
        "description"] == "for tests"
    body = {"flavor": {"description": "changed"}}
    assert _status(admin, "PUT", "/flavors/d", body,
                   version="2.54").status_int == 404
    updated = admin.put("/flavors/d", body, version="2.55")["flavor"]
    assert updated["description"] == "changed"
    bad = {"flavor": {"description": "x", "name": "y"}}
    assert _status(admin, "PUT", "/flavors/d", bad,
                   version="2.55").status_int == 400
    assert _status(admin, "PUT", "/flavors/zz", body,
                   version="2.55").status_int == 404


def test_extra_specs_in_flavor_bodies_from_2_61(sqlite_admin):
    admin = sqlite_admin
    _create(admin, id="e")
    admin.post("/flavors/e/os-extra_specs",
               {"extra_specs": {"hw:cpu_policy": "dedicated"}})
    assert "extra_specs" not in admin.get("/flavors/e",
                                          version="2.60")["flavor"]
    shown = admin.get("/flavors/e", version="2.61")["flavor"]
    assert shown["extra_specs"] == {"hw:cpu_policy": "dedicated"}
    listed = admin.get("/flavors/detail", version="2.61")["flavors"]
    assert listed[0]["extra_specs"] == {"hw:cpu_policy": "dedicated"}
    assert "extra_specs" not in admin.get("/flavors",
                                          version="2.61")["flavors"][0]
    created = _create(admin, version="2.61", id="f", name="f")["flavor"]
    assert created["extra_specs"] == {}


def test_swap_is_zero_from_2_75(sqlite_admin):
    admin = sqlite_admin
    _create(admin, id="s")
    assert admin.get("/flavors/s", version="2.74")["flavor"]["swap"] == ""
    assert admin.get("/flavors/s", version="2.75")["flavor"]["swap"] == 0
    _create(admin, id="t", name="t", swap=128)
    assert admin.get("/flavors/t", version="2.74")["flavor"]["swap"] == 128


def test_unknown_query_parameters_are_rejected_from_2_75(sqlite_admin):
    admin = sqlite_admin
    _create(admin, id="q")
    assert _status(admin, "GET", "/flavors?foo=1",
                   version="2.74").status_int == 200
    response = _status(admin, "GET", "/flavors/detail?foo=1", version="2.75")
    assert response.status_int == 400


def test_filters_sorting_and_paging(admin):
    for flavorid, ram, disk in (("a", 512, 1), ("b", 2048, 20),
                                ("c", 4096, 40), ("d", 8192, 80)):
        _create(admin, id=flavorid, name=flavorid, ram=ram, disk=disk)

    def ids(query):
        return [f["id"] for f in admin.get("/flavors" + query)["flavors"]]
    assert ids("?minRam=2048") == ["b", "c", "d"]
    assert ids("?minDisk=40") == ["c", "d"]
    assert ids("?sort_key=memory_mb&sort_dir=desc") == ["d", "c", "b", "a"]
    assert _status(admin, "GET", "/flavors?minRam=big").status_int == 400
    assert _status(admin, "GET", "/flavors?sort_key=nope").status_int == 400
    assert _status(admin, "GET", "/flavors?limit=-1").status_int == 400
    assert _status(admin, "GET",
                   "/flavors?marker=missing").status_int == 400
    page = admin.get("/flavors?limit=2")
    assert [f["id"] for f in page["flavors"]] == ["a", "b"]
    assert page["flavors_links"] == [{
        "rel": "next",
        "href": "http://localhost/v2.1/flavors?limit=2&marker=b"}]
    page = admin.get("/flavors/detail?limit=2&marker=b")
    assert [f["id"] for f in page["flavors"]] == ["c", "d"]
    assert page["flavors_links"][0]["href"] == (
        "http://localhost/v2.1/flavors/detail?limit=2&marker=d")
    assert "flavors_links" not in admin.get("/flavors?limit=2&marker=d")
    assert ids("?sort_key=memory_mb&sort_dir=desc&marker=c") == ["b", "a"]


def test_extra_specs_crud(admin):
    _create(admin, id="e")
    path = "/flavors/e/os-extra_specs"
    body = {"extra_specs": {"key1": "v1", "key2": 2}}
    assert admin.post(path, body) == body
    assert admin.get(path) == {"extra_specs": {"key1": "v1", "key2": "2"}}
    assert admin.get(path + "/key2") == {"key2": "2"}
    assert admin.put(path + "/key1", {"key1": "new"}) == {"key1": "new"}
    assert _status(admin, "PUT", path + "/key1",
                   {"other": "x"}).status_int == 400
    assert _status(admin, "PUT", path + "/key1",
                   {"key1": "x", "b": "y"}).status_int == 400
    response = _status(admin, "DELETE", path + "/key2")
    assert response.status_int == 200
    response = _status(admin, "GET", path + "/key2")
    assert response.status_int == 404
    assert response.json["itemNotFound"]["message"] == (
        "Flavor e has no extra specs with key key2.")
    assert _status(admin, "DELETE", path + "/key2").status_int == 404
    assert admin.get(path) == {"extra_specs": {"key1": "new"}}
    for bad in ({"extra_specs": {"bad/key": "v"}},
                {"extra_specs": {"k": "v" * 256}},
                {"extra_specs": {"k": True}}, {"extra_specs": "x"}, {}):
        assert _status(admin, "POST", path, bad).status_int == 400, bad
    assert _status(admin, "POST", "/flavors/none/os-extra_specs",
                   body).status_int == 404
    # members read, only admins write
    assert admin.get(path, token=MEMBER) == {"extra_specs": {"key1": "new"}}
    assert _status(admin, "POST", path, body, token=MEMBER
                   ).status_int == 403


def test_known_extra_specs_are_validated_from_2_86(sqlite_admin):
    admin = sqlite_admin
    _create(admin, id="v")
    path = "/flavors/v/os-extra_specs"
    bad = {"extra_specs": {"hw:cpu_policy": "sometimes"}}
    assert _status(admin, "POST", path, bad, version="2.85").status_int == 200
    response = _status(admin, "POST", path, bad, version="2.86")
    assert response.status_int == 400
    assert "'sometimes' is not one of" in response.json["badRequest"][
        "message"]
    for spec in ({"hw:not_a_thing": "1"}, {"hw:numa_nodes": "0"},
                 {"trait:HW_CPU_X86_AVX2": "maybe"}):
        assert _status(admin, "POST", path, {"extra_specs": spec},
                       version="2.86").status_int == 400, spec
    good = {"hw:numa_nodes": "2", "resources:VCPU": "2",
            "trait:HW_CPU_X86_AVX2": "required", "my:own": "anything",
            "plain": "x"}
    assert admin.post(path, {"extra_specs": good}, version="2.86") == {
        "extra_specs": good}
    assert _status(admin, "PUT", path + "/hw:numa_nodes",
                   {"hw:numa_nodes": "x"}, version="2.86").status_int == 400


def test_default_flavors_are_created_once(databases):
    context = stratus_context.get_admin_context(databases)
    objects.Flavor.ensure_defaults(context)
    objects.Flavor.ensure_defaults(context)
    flavors = objects.FlavorList.get_all(context, sort_key="flavorid")
    assert [(f.flavorid, f.name, f.memory_mb, f.vcpus, f.root_gb)
            for f in flavors] == [
        ("1", "m1.tiny", 512, 1, 1), ("2", "m1.small", 2048, 1, 20),
        ("3", "m1.medium", 4096, 2, 40), ("4", "m1.large", 8192, 4, 80),
        ("5", "m1.xlarge", 16384, 8, 160)]


def test_flavor_object_round_trip(databases):
    context = stratus_context.get_admin_context(databases)
    flavor = objects.Flavor(context=context, name="obj", flavorid="o",
                            memory_mb=64, vcpus=1, root_gb=0,
                            extra_specs={"a": "1"}, projects=["p1"],
                            is_public=False)
    flavor.create()
    loaded = objects.Flavor.get_by_name(context, "obj")
    assert loaded.id == flavor.id
    assert (loaded.extra_specs, loaded.projects) == ({"a": "1"}, ["p1"])
    assert objects.Flavor.get_by_id(context, flavor.id).flavorid == "o"
    loaded.extra_specs["b"] = "2"
    del loaded.extra_specs["a"]
    loaded.projects = ["p2"]
    loaded.save()
    again = objects.Flavor.get_by_flavor_id(context, "o")
    assert (again.extra_specs, again.projects) == ({"b": "2"}, ["p2"])
    user = stratus_context.RequestContext(user_id="u", project_id="p2",
                                          databases=databases)
    assert objects.Flavor.get_by_flavor_id(user, "o").name == "obj"


def test_nul_characters_never_reach_the_database(admin):
    for method, path, body in (
            ("GET", "/flavors/%00", None), ("DELETE", "/flavors/%00", None),
            ("GET", "/flavors?marker=%00", None),
            ("POST", "/flavors/%00/action",
             {"addTenantAccess": {"tenant": "x"}}),
            ("POST", "/flavors", {"flavor": {
                "name": "a", "ram": 1, "vcpus": 1, "disk": 1,
                "id": "\u0000"}})):
        response = _status(admin, method, path, body)
        assert response.status_int in (400, 404), (path, response.text)
