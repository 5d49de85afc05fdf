"""GET /limits on every database backend."""
import pytest

from stratus import objects
from tests.functional.api import fixtures

PROJECT = fixtures.PROJECT


@pytest.fixture
def context(databases):
    return fixtures.project_context(databases)


@pytest.fixture
def member(conf, databases):
    return fixtures.client(fixtures.make_app(conf, databases),
                           token="alice:%s" % PROJECT)


def test_absolute_limits_and_usage(member, context):
    fixtures.add_server(context, vcpus=2, memory_mb=1024)
    objects.Quotas.set_limits(context, PROJECT, {"cores": 8})
    assert member.get("/limits") == {"limits": {"rate": [], "absolute": {
        "maxTotalInstances": 10, "totalInstancesUsed": 1,
        "maxTotalCores": 8, "totalCoresUsed": 2,
        "maxTotalRAMSize": 51200, "totalRAMUsed": 1024,
        "maxServerMeta": 128, "maxTotalKeypairs": 100,
        "maxServerGroups": 10, "maxServerGroupMembers": 10,
        "totalServerGroupsUsed": 0,
        "maxImageMeta": 128, "maxPersonality": 5,
        "maxPersonalitySize": 10240,
        "maxSecurityGroups": -1, "maxSecurityGroupRules": -1,
        "maxTotalFloatingIps": -1, "totalSecurityGroupsUsed": 0,
        "totalFloatingIpsUsed": 0}}}


@pytest.mark.parametrize("version, gone", [
    ("2.36", {"maxSecurityGroups", "maxTotalFloatingIps",
              "totalFloatingIpsUsed"}),
    ("2.39", {"maxImageMeta"}),
    ("2.57", {"maxPersonality", "maxPersonalitySize"}),
])
def test_fields_leave_at_their_microversion(conf, sqlite_databases, version,
                                            gone):
    client = fixtures.client(fixtures.make_app(conf, sqlite_databases))
    major, minor = version.split(".")
    before = "%s.%d" % (major, int(minor) - 1)
    assert gone <= set(client.get("/limits", version=before)["limits"][
        "absolute"])
    assert not gone & set(client.get("/limits", version=version)["limits"][
        "absolute"])


def test_other_projects_are_for_admins(member, context):
    fixtures.add_server(context, project_id="project-b")
    response = member.request("GET", "/v2.1/limits?tenant_id=project-b")
    assert response.status_int == 403
    admin = member.as_user("admin:admin")
    absolute = admin.get("/limits?tenant_id=project-b")["limits"]["absolute"]
    assert absolute["totalInstancesUsed"] == 1
    assert admin.get("/limits")["limits"]["absolute"][
        "totalInstancesUsed"] == 0


def test_unknown_query_parameters_from_2_75(conf, sqlite_databases):
    member = fixtures.client(fixtures.make_app(conf, sqlite_databases))
    assert member.request("GET", "/v2.1/limits?x=1",
                          version="2.74").status_int == 200
    assert member.request("GET", "/v2.1/limits?x=1",
                          version="2.75").status_int == 400
