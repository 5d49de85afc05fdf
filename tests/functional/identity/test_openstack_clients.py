"""python-openstackclient and openstacksdk against the built-in Identity
service over HTTP: what an operator and Tempest's dynamic credentials
do."""
import json

from keystoneauth1 import exceptions as keystone_exceptions
import pytest

from tests.client.conftest import Cli

pytestmark = pytest.mark.slow


def _openstack(served, cloud, *args, json_output=True):
    # Each command a process of its own, forked from one that has
    # imported the client (tests/client/cli_forks.py).
    result = Cli(served.clouds_yaml, cloud).run(
        *args, *(["-f", "json"] if json_output else []), check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


def test_openstackclient_manages_accounts(served):
    token = _openstack(served, "stratus", "token", "issue")
    assert token["id"] and token["project_id"] and token["user_id"]
    _openstack(served, "stratus", "project", "create", "--description",
               "made by osc", "osc-project")
    _openstack(served, "stratus", "user", "create", "--password", "pw",
               "--project", "osc-project", "--email", "o@example.org",
               "osc-user")
    _openstack(served, "stratus", "role", "add", "--project", "osc-project",
               "--user", "osc-user", "member", json_output=False)
    assignments = _openstack(served, "stratus", "role", "assignment", "list",
                             "--user", "osc-user", "--names")
    assert [(a["Role"], a["Project"]) for a in assignments] == [
        ("member", "osc-project@Default")]
    images = _openstack(served, "stratus-demo", "image", "list")
    assert [image["Name"] for image in images] == ["stratus-tiny"]


def test_openstacksdk_tempest_style_dynamic_credentials(served):
    admin = served.connect("admin", "admin", "admin")
    project = admin.identity.create_project(name="dyn-p", domain_id="default")
    user = admin.identity.create_user(name="dyn-u", password="secret",
                                      domain_id="default",
                                      default_project_id=project.id)
    member = admin.identity.find_role("member")
    admin.identity.assign_project_role_to_user(project, user, member)
    assert admin.identity.validate_user_has_project_role(project, user,
                                                         member)

    dynamic = served.connect("dyn-u", "secret", "dyn-p")
    assert dynamic.current_project_id == project.id
    assert [image.name for image in dynamic.image.images()] == [
        "stratus-tiny"]
    assert admin.identity.get_user(user.id).name == "dyn-u"

    admin.identity.delete_user(user)
    admin.identity.delete_project(project)
    assert admin.identity.find_project("dyn-p") is None


def test_openstackclient_manages_implied_roles(served):
    rules = _openstack(served, "stratus", "implied", "role", "list")
    assert sorted((rule["Prior Role Name"], rule["Implied Role Name"])
                  for rule in rules) == [("admin", "member"),
                                         ("member", "reader")]
    _openstack(served, "stratus", "role", "create", "auditor")
    created = _openstack(served, "stratus", "implied", "role", "create",
                         "auditor", "--implied-role", "reader")
    assert created["prior_role"] and created["implies"]
    _openstack(served, "stratus", "role", "add", "--project", "demo",
               "--user", "demo", "auditor", json_output=False)
    effective = _openstack(served, "stratus", "role", "assignment", "list",
                           "--user", "demo", "--project", "demo", "--names",
                           "--effective")
    # demo holds member and reader itself; reader comes again through
    # member and through auditor.
    assert sorted(a["Role"] for a in effective) == [
        "auditor", "member", "reader", "reader", "reader"]
    _openstack(served, "stratus", "implied", "role", "delete", "auditor",
               "--implied-role", "reader", json_output=False)
    assert len(_openstack(served, "stratus", "implied", "role", "list")) == 2


def test_application_credentials_with_the_clients(served):
    """`openstack application credential create`, then a cloud whose
    clouds.yaml entry is the credential (auth_type
    v3applicationcredential) reads the project's images; deleting it ends
    that."""
    import openstack
    created = _openstack(served, "stratus-demo", "application", "credential",
                         "create", "ci-cred", "--description", "for CI")
    assert created["Secret"] and created["Project ID"]
    assert created["Roles"]
    listed = _openstack(served, "stratus-demo", "application", "credential",
                        "list")
    assert [item["Name"] for item in listed] == ["ci-cred"]
    connection = openstack.connect(
        auth_type="v3applicationcredential", auth_url=served.auth_url,
        application_credential_id=created["ID"],
        application_credential_secret=created["Secret"],
        region_name="RegionOne", load_yaml_config=False,
        load_envvars=False)
    assert [image.name for image in connection.image.images()] == [
        "stratus-tiny"]
    assert connection.current_project_id == created["Project ID"]
    _openstack(served, "stratus-demo", "application", "credential", "delete",
               "ci-cred", json_output=False)
    assert _openstack(served, "stratus-demo", "application", "credential",
                      "list") == []
    # The session's token ended with it, and it authenticates no more.
    with pytest.raises(keystone_exceptions.Unauthorized):
        list(connection.image.images())


def test_openstacksdk_scopes_a_token_to_the_domain(served):
    """What Horizon's login asks for: a token scoped to domain Default."""
    import openstack
    connection = openstack.connect(
        auth_url=served.auth_url, username="admin", password="admin",
        user_domain_name="Default", domain_name="Default",
        region_name="RegionOne", load_yaml_config=False, load_envvars=False)
    access = connection.session.auth.get_access(connection.session)
    assert access.domain_name == "Default"
    assert "admin" in access.role_names
    assert [p.name for p in connection.identity.projects()]


def test_openstackclient_manages_groups(served):
    """`openstack group ...` and `role add --group`: a member of a group
    holding member on project demo works there."""
    group = _openstack(served, "stratus", "group", "create", "--domain",
                       "default", "--description", "made by osc", "osc-group")
    assert (group["name"], group["domain_id"]) == ("osc-group", "default")
    _openstack(served, "stratus", "user", "create", "--password", "pw",
               "osc-member")
    cli = Cli(served.clouds_yaml, "stratus")
    cli.run("group", "add", "user", "osc-group", "osc-member")
    assert "osc-member in group osc-group" in cli.run(
        "group", "contains", "user", "osc-group", "osc-member").stdout
    assert [u["Name"] for u in _openstack(
        served, "stratus", "user", "list", "--group", "osc-group")] == [
        "osc-member"]
    cli.run("role", "add", "--project", "demo", "--group", "osc-group",
            "member")
    assignments = _openstack(served, "stratus", "role", "assignment", "list",
                             "--group", "osc-group", "--names")
    assert [(a["Role"], a["Group"], a["Project"]) for a in assignments] == [
        ("member", "osc-group@Default", "demo@Default")]
    member = served.connect("osc-member", "pw", "demo")
    assert [image.name for image in member.image.images()] == [
        "stratus-tiny"]
    cli.run("group", "delete", "osc-group")
    assert _openstack(served, "stratus", "group", "list") == []
