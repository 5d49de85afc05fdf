"""Implied roles, as Keystone has them: the /v3/role_inferences and
/v3/roles/{prior}/implies API, bootstrap's admin => member => reader, and
tokens that carry the roles the assigned ones imply."""
import pytest


def _role_ids(identity, admin):
    response = identity.request("GET", "/v3/roles", token=admin)
    return {role["name"]: role["id"] for role in response.json["roles"]}


def _token_roles(identity, user, password, project):
    response = identity.authenticate(user, password, project)
    assert response.status_int == 201, response.text
    return sorted(role["name"] for role in response.json["token"]["roles"])


@pytest.fixture
def admin(identity):
    return identity.admin_token()


def _user_with_roles(identity, admin, name, *role_names):
    """A new user holding only role_names on a new project of its name."""
    roles = _role_ids(identity, admin)
    project = identity.request("POST", "/v3/projects", token=admin, json={
        "project": {"name": name}}).json["project"]
    user = identity.request("POST", "/v3/users", token=admin, json={
        "user": {"name": name, "password": "pw"}}).json["user"]
    for role_name in role_names:
        response = identity.request(
            "PUT", "/v3/projects/%s/users/%s/roles/%s" % (
                project["id"], user["id"], roles[role_name]), token=admin)
        assert response.status_int == 204, response.text
    return user, project


def test_bootstrap_makes_admin_imply_member_imply_reader(identity, admin):
    roles = _role_ids(identity, admin)
    response = identity.request("GET", "/v3/role_inferences", token=admin)
    assert response.status_int == 200, response.text
    rules = {rule["prior_role"]["name"]: [role["name"]
                                          for role in rule["implies"]]
             for rule in response.json["role_inferences"]}
    assert rules == {"admin": ["member"], "member": ["reader"]}
    (admin_rule,) = [rule for rule in response.json["role_inferences"]
                     if rule["prior_role"]["name"] == "admin"]
    assert admin_rule["prior_role"] == {
        "id": roles["admin"], "name": "admin",
        "links": {"self": "http://localhost/v3/roles/" + roles["admin"]}}

    response = identity.request(
        "GET", "/v3/roles/%s/implies" % roles["member"], token=admin)
    assert response.status_int == 200
    inference = response.json["role_inference"]
    assert inference["prior_role"]["name"] == "member"
    assert [role["name"] for role in inference["implies"]] == ["reader"]
    assert response.json["links"]["self"].endswith(
        "/v3/roles/%s/implies" % roles["member"])


def test_a_member_only_user_gets_member_and_reader(identity, admin):
    _user_with_roles(identity, admin, "m-only", "member")
    assert _token_roles(identity, "m-only", "pw", "m-only") == [
        "member", "reader"]
    _user_with_roles(identity, admin, "a-only", "admin")
    assert _token_roles(identity, "a-only", "pw", "a-only") == [
        "admin", "member", "reader"]
    _user_with_roles(identity, admin, "r-only", "reader")
    assert _token_roles(identity, "r-only", "pw", "r-only") == ["reader"]
    # The assignment itself stays what was granted.
    response = identity.request(
        "GET", "/v3/role_assignments?user.id=%s&include_names"
        % identity.request("GET", "/v3/users?name=m-only",
                           token=admin).json["users"][0]["id"], token=admin)
    assert [a["role"]["name"] for a in response.json["role_assignments"]] == [
        "member"]


def test_create_show_check_and_delete_a_rule(identity, admin):
    roles = _role_ids(identity, admin)
    creator = identity.request("POST", "/v3/roles", token=admin, json={
        "role": {"name": "creator"}}).json["role"]
    path = "/v3/roles/%s/implies/%s" % (creator["id"], roles["member"])
    assert identity.request("HEAD", path, token=admin).status_int == 404
    assert identity.request("GET", path, token=admin).json["error"][
        "message"] == "%s does not imply %s." % (creator["id"],
                                                 roles["member"])

    created = identity.request("PUT", path, token=admin)
    assert created.status_int == 201, created.text
    inference = created.json["role_inference"]
    assert inference["prior_role"]["name"] == "creator"
    assert inference["implies"]["name"] == "member"
    assert created.json["links"]["self"].endswith(path)
    assert identity.request("PUT", path, token=admin).status_int == 409
    assert identity.request("HEAD", path, token=admin).status_int == 204
    shown = identity.request("GET", path, token=admin)
    assert shown.status_int == 200
    assert shown.json == created.json

    # Transitively: creator => member => reader.
    _user_with_roles(identity, admin, "c-user", "creator")
    assert _token_roles(identity, "c-user", "pw", "c-user") == [
        "creator", "member", "reader"]
    token = identity.token("c-user", "pw", "c-user")

    assert identity.request("DELETE", path, token=admin).status_int == 204
    assert identity.request("DELETE", path, token=admin).status_int == 404
    assert identity.request("HEAD", path, token=admin).status_int == 404
    # Tokens that carried member through the rule end at once.
    assert identity.request("GET", "/v3/auth/tokens", token=admin,
                            subject=token).status_int == 404
    assert _token_roles(identity, "c-user", "pw", "c-user") == ["creator"]


def test_cycles_are_allowed_and_admin_cannot_be_implied(identity, admin):
    roles = _role_ids(identity, admin)
    cycle = "/v3/roles/%s/implies/%s" % (roles["reader"], roles["member"])
    assert identity.request("PUT", cycle, token=admin).status_int == 201
    _user_with_roles(identity, admin, "cyclist", "reader")
    assert _token_roles(identity, "cyclist", "pw", "cyclist") == [
        "member", "reader"]
    response = identity.request("PUT", "/v3/roles/%s/implies/%s" % (
        roles["member"], roles["admin"]), token=admin)
    assert response.status_int == 403
    assert response.json["error"]["message"] == (
        "%s cannot be an implied roles." % roles["admin"])


def test_unknown_roles_are_404(identity, admin):
    roles = _role_ids(identity, admin)
    for path in ("/v3/roles/nope/implies",
                 "/v3/roles/nope/implies/%s" % roles["reader"],
                 "/v3/roles/%s/implies/nope" % roles["member"]):
        for method in ("GET", "PUT") if "implies/" in path else ("GET",):
            response = identity.request(method, path, token=admin)
            assert response.status_int == 404, (method, path)
            assert response.json["error"]["code"] == 404


def test_deleting_a_role_drops_its_rules(identity, admin):
    roles = _role_ids(identity, admin)
    temporary = identity.request("POST", "/v3/roles", token=admin, json={
        "role": {"name": "temporary"}}).json["role"]
    assert identity.request("PUT", "/v3/roles/%s/implies/%s" % (
        temporary["id"], roles["reader"]), token=admin).status_int == 201
    assert identity.request("DELETE", "/v3/roles/" + temporary["id"],
                            token=admin).status_int == 204
    rules = identity.request("GET", "/v3/role_inferences",
                             token=admin).json["role_inferences"]
    assert "temporary" not in [rule["prior_role"]["name"] for rule in rules]


def test_only_admins_manage_rules(identity, admin):
    roles = _role_ids(identity, admin)
    demo = identity.demo_token()
    path = "/v3/roles/%s/implies/%s" % (roles["member"], roles["reader"])
    for method, target in (("GET", "/v3/role_inferences"), ("GET", path),
                           ("HEAD", path), ("PUT", path), ("DELETE", path),
                           ("GET", "/v3/roles/%s/implies" % roles["member"])):
        response = identity.request(method, target, token=demo)
        assert response.status_int == 403, (method, target)


def test_odd_role_ids_are_404_not_errors(identity, admin):
    roles = _role_ids(identity, admin)
    for odd in ("x" * 300, "%C3%A9t%C3%A9", "%20", "0" * 64):
        for method, path in (
                ("GET", "/v3/roles/%s/implies" % odd),
                ("PUT", "/v3/roles/%s/implies/%s" % (odd, roles["reader"])),
                ("DELETE", "/v3/roles/%s/implies/%s" % (roles["member"],
                                                        odd)),
                ("HEAD", "/v3/roles/%s/implies/%s" % (odd, odd))):
            response = identity.request(method, path, token=admin)
            assert response.status_int == 404, (method, path, response.text)


def test_effective_assignments_list_the_implied_roles(identity, admin):
    roles = _role_ids(identity, admin)
    user, project = _user_with_roles(identity, admin, "eff", "member")
    path = "/v3/role_assignments?user.id=%s" % user["id"]
    direct = identity.request("GET", path, token=admin).json[
        "role_assignments"]
    assert [a["role"]["id"] for a in direct] == [roles["member"]]
    effective = identity.request(
        "GET", path + "&effective&include_names", token=admin).json[
        "role_assignments"]
    assert [a["role"]["name"] for a in effective] == ["member", "reader"]
    implied = effective[1]
    assert implied["scope"]["project"]["id"] == project["id"]
    assert implied["links"]["assignment"].endswith(
        "/v3/projects/%s/users/%s/roles/%s" % (project["id"], user["id"],
                                               roles["member"]))
    assert implied["links"]["prior_role"].endswith(
        "/v3/prior_role/%s/implies/%s" % (roles["reader"], roles["member"]))
    # role.id filters the effective list.
    only_reader = identity.request(
        "GET", path + "&effective&role.id=" + roles["reader"],
        token=admin).json["role_assignments"]
    assert [a["role"]["id"] for a in only_reader] == [roles["reader"]]
