"""The quota engine (stratus.quota) and /os-quota-sets, on every database
backend."""
import uuid

import pytest

from stratus.db import api_models
from stratus.db import setup as db_setup
from stratus import exception
from stratus import objects
from stratus import quota
from tests.functional.api import fixtures

PROJECT = fixtures.PROJECT
add_server = fixtures.add_server
add_build_request = fixtures.add_build_request


@pytest.fixture
def context(databases):
    return fixtures.project_context(databases)


@pytest.fixture
def engine(conf):
    return quota.Quotas(conf)


def test_usage_counts_cells_build_requests_and_owners(context, engine):
    add_server(context, vcpus=2, memory_mb=1024)
    add_server(context, vcpus=1, memory_mb=256, cell_name="cell0")
    add_server(context, vcpus=4, memory_mb=4096, user_id="bob")
    add_build_request(context, vcpus=8, memory_mb=8192)
    # not counted: deleted, soft deleted, hidden, another project
    add_server(context, vcpus=16, deleted=1)
    add_server(context, vcpus=16, vm_state="soft-delete")
    add_server(context, vcpus=16, hidden=True)
    add_server(context, vcpus=16, project_id="project-b")
    with context.api_db.writer() as session:
        session.add(api_models.InstanceGroup(uuid=str(uuid.uuid4()),
                                             project_id=PROJECT,
                                             user_id="alice"))
        session.add(api_models.KeyPair(name="k", user_id="alice",
                                       public_key="x"))
    used = engine.usage(context, PROJECT)
    # servers, vCPUs and RAM come from the cells' live instances (a
    # soft-deleted server still counts as a server), plus the build
    # requests: not from mappings, which a cell conductor's delete leaves
    # until the super conductor's pass
    assert used["instances"] == 5
    assert used["cores"] == 2 + 1 + 4 + 8
    assert used["ram"] == 1024 + 256 + 4096 + 8192
    assert used["server_groups"] == 1 and used["key_pairs"] == 0
    alice = engine.usage(context, PROJECT, "alice")
    assert (alice["cores"], alice["key_pairs"]) == (2 + 1 + 8, 1)


def test_limits_layering(context, engine, conf):
    assert engine.limits(context, PROJECT)["instances"] == 10
    conf.set_override("instances", 20, group="quota")
    with context.api_db.writer() as session:
        session.add(api_models.QuotaClass(class_name="default",
                                          resource="cores", hard_limit=30))
    objects.Quotas.set_limits(context, PROJECT, {"ram": 100})
    objects.Quotas.set_limits(context, PROJECT, {"ram": 50}, user_id="alice")
    limits = engine.limits(context, PROJECT)
    assert (limits["instances"], limits["cores"], limits["ram"]) == (
        20, 30, 100)
    assert engine.limits(context, PROJECT, "alice")["ram"] == 50
    assert engine.defaults(context)["cores"] == 30
    objects.Quotas.destroy_all(context, PROJECT, user_id="alice")
    assert engine.limits(context, PROJECT, "alice")["ram"] == 100
    objects.Quotas.destroy_all(context, PROJECT)
    assert engine.limits(context, PROJECT)["ram"] == 51200


def test_check_instances(context, engine):
    objects.Quotas.set_limits(context, PROJECT, {"instances": 3,
                                                 "cores": 5})
    add_server(context, vcpus=1)
    assert engine.check_instances(context, PROJECT, "alice", 1, 2, 2,
                                  512) == 2
    # 3 more would exceed instances and cores: 1 fits (cores headroom 4/2=2,
    # instances headroom 2) -> 2
    assert engine.check_instances(context, PROJECT, "alice", 1, 3, 2,
                                  512) == 2
    with pytest.raises(exception.TooManyInstances) as raised:
        engine.check_instances(context, PROJECT, "alice", 3, 3, 1, 512)
    assert raised.value.code == 403
    assert raised.value.format_message() == (
        "Quota exceeded for instances: Requested 3, but already used 1 of "
        "3 instances")
    with pytest.raises(exception.TooManyInstances) as raised:
        engine.check_instances(context, PROJECT, "alice", 2, 4, 3, 512)
    assert raised.value.format_message() == (
        "Quota exceeded for cores, instances: Requested 12, 2-4, but "
        "already used 1, 1 of 5, 3 cores, instances")


def test_unlimited_and_user_limits(context, engine):
    objects.Quotas.set_limits(context, PROJECT, {"instances": -1,
                                                 "cores": -1, "ram": -1})
    assert engine.check_instances(context, PROJECT, "alice", 1, 500, 8,
                                  4096) == 500
    objects.Quotas.set_limits(context, PROJECT, {"instances": 1},
                              user_id="alice")
    add_server(context)
    with pytest.raises(exception.TooManyInstances):
        engine.check_instances(context, PROJECT, "alice", 1, 1, 1, 512)
    assert engine.check_instances(context, PROJECT, "bob", 1, 1, 1, 512) == 1


def test_check_deltas_recheck(context, engine):
    objects.Quotas.set_limits(context, PROJECT, {"instances": 1})
    add_server(context)
    engine.check_deltas(context, PROJECT, "alice",
                        {"instances": 1, "cores": 1, "ram": 512},
                        already_counted=True)
    add_build_request(context)
    with pytest.raises(exception.TooManyInstances) as raised:
        engine.check_deltas(context, PROJECT, "alice",
                            {"instances": 1, "cores": 1, "ram": 512},
                            already_counted=True)
    assert raised.value.format_message() == (
        "Quota exceeded for instances: Requested 1, but already used 1 of "
        "1 instances")
    objects.Quotas.set_limits(context, PROJECT, {"server_groups": 0})
    with pytest.raises(exception.OverQuota) as raised:
        engine.check_deltas(context, PROJECT, "alice", {"server_groups": 1})
    assert "server_groups" in raised.value.format_message()


def test_check_metadata_items(context, engine):
    engine.check_metadata_items(context, PROJECT, 128)
    with pytest.raises(exception.OverQuota) as raised:
        engine.check_metadata_items(context, PROJECT, 129)
    assert raised.value.code == 403
    assert raised.value.format_message() == (
        "Maximum number of metadata items exceeds 128")


# The API ------------------------------------------------------------------

@pytest.fixture
def admin(conf, databases):
    return fixtures.client(fixtures.make_app(conf, databases))


@pytest.fixture
def sqlite_admin(conf, sqlite_databases):
    """For tests of API behaviour rather than of the database."""
    return fixtures.client(fixtures.make_app(conf, sqlite_databases))


def test_show_defaults_and_detail(admin, context):
    add_server(context, vcpus=2, memory_mb=1024)
    shown = admin.get("/os-quota-sets/%s" % PROJECT)["quota_set"]
    assert shown == {
        "id": PROJECT, "instances": 10, "cores": 20, "ram": 51200,
        "metadata_items": 128, "injected_files": 5,
        "injected_file_content_bytes": 10240,
        "injected_file_path_bytes": 255, "key_pairs": 100,
        "server_groups": 10, "server_group_members": 10,
        "fixed_ips": -1, "floating_ips": -1, "security_groups": -1,
        "security_group_rules": -1}
    assert admin.get("/os-quota-sets/%s/defaults" % PROJECT)[
        "quota_set"] == shown
    detail = admin.get("/os-quota-sets/%s/detail" % PROJECT)["quota_set"]
    assert detail["cores"] == {"limit": 20, "in_use": 2, "reserved": 0}
    assert detail["instances"] == {"limit": 10, "in_use": 1, "reserved": 0}
    assert detail["floating_ips"] == {"limit": -1, "in_use": 0,
                                      "reserved": 0}


def test_fields_by_microversion(sqlite_admin):
    admin = sqlite_admin
    path = "/os-quota-sets/%s" % PROJECT
    assert "floating_ips" in admin.get(path, version="2.35")["quota_set"]
    v236 = admin.get(path, version="2.36")["quota_set"]
    assert "floating_ips" not in v236 and "injected_files" in v236
    assert "injected_files" in admin.get(path, version="2.56")["quota_set"]
    v257 = admin.get(path, version="2.57")["quota_set"]
    assert "injected_files" not in v257 and "instances" in v257
    body = {"quota_set": {"injected_files": 3}}
    assert admin.request("PUT", "/v2.1" + path, body,
                         version="2.56").status_int == 200
    assert admin.request("PUT", "/v2.1" + path, body,
                         version="2.57").status_int == 400
    body = {"quota_set": {"floating_ips": 3}}
    assert admin.request("PUT", "/v2.1" + path, body,
                         version="2.35").status_int == 200
    assert admin.request("PUT", "/v2.1" + path, body,
                         version="2.36").status_int == 400
    assert admin.request("GET", "/v2.1" + path + "?bogus=1",
                         version="2.74").status_int == 200
    assert admin.request("GET", "/v2.1" + path + "?bogus=1",
                         version="2.75").status_int == 400


def test_update_and_delete(admin, context):
    path = "/os-quota-sets/%s" % PROJECT
    updated = admin.put(path, {"quota_set": {"instances": 50,
                                             "cores": "30"}})["quota_set"]
    assert (updated["instances"], updated["cores"]) == (50, 30)
    assert "id" not in updated
    assert admin.get(path)["quota_set"]["instances"] == 50
    # per user, not above the project's
    user_path = path + "?user_id=alice"
    assert admin.put(user_path, {"quota_set": {"instances": 5}})[
        "quota_set"]["instances"] == 5
    assert admin.get(user_path)["quota_set"]["instances"] == 5
    response = admin.request("PUT", "/v2.1" + user_path,
                             {"quota_set": {"instances": 51}})
    assert response.status_int == 400
    assert response.json["badRequest"]["message"] == (
        "Quota limit 51 for instances must be less than or equal to 50.")
    # not below what is used, unless forced
    add_server(context)
    add_server(context)
    response = admin.request("PUT", "/v2.1" + path,
                             {"quota_set": {"instances": 1}})
    assert response.status_int == 400
    assert response.json["badRequest"]["message"] == (
        "Quota limit 1 for instances must be greater than or equal to "
        "already used and reserved 2.")
    assert admin.put(path, {"quota_set": {"instances": 1, "force": True}})[
        "quota_set"]["instances"] == 1
    assert admin.put(path, {"quota_set": {"instances": -1}})[
        "quota_set"]["instances"] == -1
    assert admin.request("DELETE", "/v2.1" + user_path).status_int == 202
    assert admin.get(user_path)["quota_set"]["instances"] == -1
    assert admin.request("DELETE", "/v2.1" + path).status_int == 202
    assert admin.get(path)["quota_set"]["instances"] == 10


@pytest.mark.parametrize("body", [
    {"quota_set": {"instances": -2}}, {"quota_set": {"instances": "many"}},
    {"quota_set": {"bogus": 1}}, {"quota_set": {"networks": 1}},
    {"quota_set": {"force": "perhaps"}}, {"quota": {}}, {},
])
def test_bad_updates(conf, sqlite_databases, body):
    admin = fixtures.client(fixtures.make_app(conf, sqlite_databases))
    response = admin.request("PUT", "/v2.1/os-quota-sets/p", body)
    assert response.status_int == 400, response.text


def test_policies(sqlite_admin):
    admin = sqlite_admin
    member = admin.as_user("alice:%s" % PROJECT)
    path = "/v2.1/os-quota-sets/%s" % PROJECT
    assert member.request("GET", path).status_int == 200
    assert member.request("GET", path + "/detail").status_int == 200
    assert member.request("GET", "/v2.1/os-quota-sets/other"
                          ).status_int == 403
    assert member.request("GET", "/v2.1/os-quota-sets/other/defaults"
                          ).status_int == 200
    assert member.request("PUT", path, {"quota_set": {"instances": 1}}
                          ).status_int == 403
    assert member.request("DELETE", path).status_int == 403


def test_nul_characters_never_reach_the_database(admin):
    for method, path, body in (
            ("GET", "/os-quota-sets/%00", None),
            ("GET", "/os-quota-sets/x?user_id=%00", None),
            ("PUT", "/os-quota-sets/%00", {"quota_set": {"instances": 1}}),
            ("DELETE", "/os-quota-sets/%00", None),
            ("GET", "/limits?tenant_id=%00", None)):
        response = admin.request(method, "/v2.1" + path, body)
        assert response.status_int == 400, (path, response.text)


def test_cell0_is_counted(context, engine):
    add_server(context, vcpus=3, cell_name="cell0")
    assert fixtures.cell(context, "cell0")[1] == db_setup.CELL0_UUID
    assert engine.usage(context, PROJECT)["cores"] == 3
