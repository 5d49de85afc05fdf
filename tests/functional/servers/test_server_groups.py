"""/os-server-groups through the Compute API: shapes per microversion,
errors, policy, quotas, and membership through server create/delete."""
import uuid

import pytest

from stratus.objects import request_spec as request_spec_obj
from tests.functional.servers import fixtures

IMAGE_ID = fixtures.IMAGE_ID

GROUPS = "/os-server-groups"


def create(client, name="g1", version="2.1", expected=(200,), **values):
    if version >= "2.64" and "policy" not in values:
        values["policy"] = "anti-affinity"
    elif version < "2.64" and "policies" not in values:
        values["policies"] = ["anti-affinity"]
    return client.post(GROUPS, {"server_group": dict(values, name=name)},
                       version=version, expected=expected)


def status(client, method, path, body=None, version="2.1"):
    response = client.request(method, "/v2.1" + path, body, version=version)
    return response.status_int, response.json if response.body else None


def boot(servers, client, group_id, count=1, expected=(202,)):
    return client.post("/servers", {
        "server": {"name": "vm", "flavorRef": "1", "networks": "none",
                   "imageRef": IMAGE_ID,
                   "min_count": count, "max_count": count},
        "os:scheduler_hints": {"group": group_id}}, expected=expected)


def test_create_and_show_before_2_13(sqlite_servers):
    demo = sqlite_servers.demo
    group = create(demo, "g1")["server_group"]
    assert group == {"id": group["id"], "name": "g1",
                     "policies": ["anti-affinity"], "members": [],
                     "metadata": {}}
    assert demo.get(GROUPS + "/" + group["id"], version="2.1")[
        "server_group"] == group


def test_owner_from_2_13_and_soft_policies_from_2_15(sqlite_servers):
    demo = sqlite_servers.demo
    code, _ = status(demo, "POST", GROUPS, {"server_group": {
        "name": "g", "policies": ["soft-affinity"]}}, version="2.14")
    assert code == 400
    group = create(demo, "g", version="2.15",
                   policies=["soft-affinity"])["server_group"]
    assert (group["policies"], group["project_id"], group["user_id"]) == (
        ["soft-affinity"], "demo", "demo")


def test_policy_and_rules_from_2_64(sqlite_servers):
    demo = sqlite_servers.demo
    group = create(demo, "g", version="2.64", policy="anti-affinity",
                   rules={"max_server_per_host": 2})["server_group"]
    assert set(group) == {"id", "name", "policy", "rules", "members",
                          "project_id", "user_id"}
    assert (group["policy"], group["rules"]) == (
        "anti-affinity", {"max_server_per_host": 2})
    shown = demo.get(GROUPS + "/" + group["id"], version="2.64")[
        "server_group"]
    assert shown == group
    # The older view of the same group.
    old = demo.get(GROUPS + "/" + group["id"], version="2.63")[
        "server_group"]
    assert (old["policies"], old["metadata"]) == (["anti-affinity"], {})
    assert create(demo, "a", version="2.64", policy="affinity")[
        "server_group"]["rules"] == {}


@pytest.mark.parametrize("version, body", [
    ("2.1", {"name": "g"}),
    ("2.1", {"policies": ["affinity"]}),
    ("2.1", {"name": "g", "policies": []}),
    ("2.1", {"name": "g", "policies": ["affinity", "anti-affinity"]}),
    ("2.1", {"name": "g", "policies": ["nope"]}),
    ("2.1", {"name": "", "policies": ["affinity"]}),
    ("2.1", {"name": "g", "policies": ["affinity"], "extra": 1}),
    ("2.64", {"name": "g", "policies": ["affinity"]}),
    ("2.64", {"name": "g"}),
    ("2.64", {"name": "g", "policy": "affinity",
              "rules": {"max_server_per_host": 2}}),
    ("2.64", {"name": "g", "policy": "anti-affinity",
              "rules": {"max_server_per_host": 0}}),
    ("2.64", {"name": "g", "policy": "anti-affinity",
              "rules": {"other": 1}}),
])
def test_bad_creates(sqlite_servers, version, body):
    code, error = status(sqlite_servers.demo, "POST", GROUPS,
                         {"server_group": body}, version=version)
    assert code == 400
    assert error["badRequest"]["code"] == 400


def test_list_all_projects_limit_offset(servers):
    demo, other, admin = servers.demo, servers.other, servers.admin
    ids = [create(demo, "d%d" % index)["server_group"]["id"]
           for index in range(3)]
    other_id = create(other, "o")["server_group"]["id"]
    listed = [group["id"] for group in demo.get(GROUPS)["server_groups"]]
    assert listed == ids
    # A member asking for all projects sees its own.
    assert [group["id"] for group in demo.get(
        GROUPS + "?all_projects=True")["server_groups"]] == ids
    assert [group["id"] for group in admin.get(
        GROUPS + "?all_projects=True")["server_groups"]] == ids + [other_id]
    assert admin.get(GROUPS)["server_groups"] == []
    assert [group["id"] for group in demo.get(
        GROUPS + "?limit=1&offset=1")["server_groups"]] == ids[1:2]
    assert status(demo, "GET", GROUPS + "?limit=-1")[0] == 400
    assert status(demo, "GET", GROUPS + "?foo=1", version="2.75")[0] == 400
    assert status(demo, "GET", GROUPS + "?foo=1", version="2.74")[0] == 200


def test_other_projects_groups_are_not_found(sqlite_servers):
    env = sqlite_servers
    group_id = create(env.demo, "g")["server_group"]["id"]
    for method in ("GET", "DELETE"):
        code, error = status(env.other, method, GROUPS + "/" + group_id)
        assert code == 404
        assert error["itemNotFound"]["code"] == 404
    assert status(env.demo, "GET", GROUPS + "/" + str(uuid.uuid4()))[0] \
        == 404
    # An admin sees and deletes any group.
    assert env.admin.get(GROUPS + "/" + group_id)["server_group"]["id"] \
        == group_id
    response = env.admin.request("DELETE", "/v2.1" + GROUPS + "/" + group_id)
    assert (response.status_int, response.body) == (204, b"")
    assert status(env.demo, "GET", GROUPS + "/" + group_id)[0] == 404


def test_readers_cannot_create_or_delete(sqlite_servers):
    env = sqlite_servers
    group_id = create(env.demo, "g")["server_group"]["id"]
    reader = {"X-Roles": "reader"}
    response = env.demo.request("POST", "/v2.1" + GROUPS, {"server_group": {
        "name": "g", "policies": ["affinity"]}}, headers=reader,
        version="2.1")
    assert response.status_int == 403
    response = env.demo.request("DELETE", "/v2.1" + GROUPS + "/" + group_id,
                                headers=reader)
    assert response.status_int == 403
    response = env.demo.request("GET", "/v2.1" + GROUPS + "/" + group_id,
                                headers=reader)
    assert response.status_int == 200


def test_server_groups_quota(sqlite_servers):
    env = sqlite_servers
    env.admin.put("/os-quota-sets/demo", {"quota_set": {"server_groups": 1}})
    create(env.demo, "g1")
    code, error = status(env.demo, "POST", GROUPS, {"server_group": {
        "name": "g2", "policies": ["affinity"]}})
    assert code == 403, error
    assert error["forbidden"]["message"] == (
        "Quota exceeded, too many server groups.")
    detail = env.admin.get("/os-quota-sets/demo/detail")["quota_set"]
    assert detail["server_groups"]["in_use"] == 1
    assert detail["server_groups"]["limit"] == 1
    assert "server_group_members" in detail
    assert env.demo.get("/limits")["limits"]["absolute"][
        "totalServerGroupsUsed"] == 1


def test_members_come_with_create_and_go_with_delete(servers):
    env = servers
    group_id = create(env.demo, "g")["server_group"]["id"]
    created = boot(env, env.demo, group_id, count=2)
    listed = env.demo.get("/servers")["servers"]
    assert len(listed) == 2
    group = env.demo.get(GROUPS + "/" + group_id)["server_group"]
    assert sorted(group["members"]) == sorted(s["id"] for s in listed)
    assert created["server"]["id"] in group["members"]
    shown = env.demo.get("/servers/" + created["server"]["id"],
                         version="2.71")["server"]
    assert shown["server_groups"] == [group_id]
    assert "server_groups" not in env.demo.get(
        "/servers/" + created["server"]["id"], version="2.70")["server"]
    spec = request_spec_obj.RequestSpec.get_by_instance_uuid(
        env.ctx, created["server"]["id"])
    assert spec.instance_group_uuid == group_id
    for server in listed:
        env.demo.delete("/servers/" + server["id"])
    assert env.demo.get(GROUPS + "/" + group_id)["server_group"][
        "members"] == []


def test_group_hint_errors_and_members_quota(sqlite_servers):
    env = sqlite_servers

    def boot_status(group_id):
        return status(env.demo, "POST", "/servers", {
            "server": {"name": "vm", "flavorRef": "1", "networks": "none",
                       "imageRef": IMAGE_ID},
            "os:scheduler_hints": {"group": group_id}}, version="2.100")

    code, error = boot_status(str(uuid.uuid4()))
    assert code == 400
    assert "could not be found" in error["badRequest"]["message"]
    other_group = create(env.other, "o")["server_group"]["id"]
    assert boot_status(other_group)[0] == 400
    env.admin.put("/os-quota-sets/demo",
                  {"quota_set": {"server_group_members": 2}})
    group_id = create(env.demo, "g")["server_group"]["id"]
    boot(env, env.demo, group_id, count=2)
    code, error = boot_status(group_id)
    assert code == 403, error
    assert "too many servers in group" in error["forbidden"]["message"]
