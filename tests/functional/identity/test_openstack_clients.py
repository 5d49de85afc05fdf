"""python-openstackclient and openstacksdk against the built-in Identity
service over HTTP: what an operator and Tempest's dynamic credentials
do."""
import json

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
