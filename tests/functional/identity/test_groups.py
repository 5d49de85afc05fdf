"""Groups of the built-in identity, as Keystone has them and Horizon's
Groups panel manages them: groups, their members, their roles on
projects and on the domain, the tokens their members get and
/v3/role_assignments. On every database (the rows are the subject)."""
from tests.functional.identity.conftest import IdentityClient  # noqa: F401

BASE = "http://localhost/v3"


def _id(identity, token, collection, name):
    listed = identity.request("GET", "/v3/%s?name=%s" % (collection, name),
                              token=token).json[collection]
    assert len(listed) == 1, listed
    return listed[0]["id"]


def _group(identity, token, name, **fields):
    response = identity.request("POST", "/v3/groups", token=token, json={
        "group": dict(fields, name=name)})
    assert response.status_int == 201, response.text
    return response.json["group"]


def _user(identity, token, name, password="pw"):
    response = identity.request("POST", "/v3/users", token=token, json={
        "user": {"name": name, "password": password}})
    assert response.status_int == 201, response.text
    return response.json["user"]["id"]


def _team(identity, admin, *names):
    """(group id, [user ids], project demo's id, role member's id): group
    devs of new users with these names, holding member on project
    demo."""
    users = [_user(identity, admin, name) for name in names]
    project = _id(identity, admin, "projects", "demo")
    member_role = _id(identity, admin, "roles", "member")
    group = _group(identity, admin, "devs")["id"]
    for user in users:
        assert _status(identity, "PUT", "/v3/groups/%s/users/%s" % (
            group, user), admin) == 204
    assert _status(identity, "PUT", "/v3/projects/%s/groups/%s/roles/%s" % (
        project, group, member_role), admin) == 204
    return group, users, project, member_role


def _status(identity, method, path, token, json=None):
    return identity.request(method, path, token=token, json=json).status_int


def test_groups_are_created_listed_updated_and_deleted(identity):
    admin = identity.admin_token()
    group = _group(identity, admin, "devs", description="Developers",
                   email="devs@example.org")
    assert group == {
        "id": group["id"], "name": "devs", "domain_id": "default",
        "description": "Developers", "email": "devs@example.org",
        "links": {"self": "%s/groups/%s" % (BASE, group["id"])}}
    ops = _group(identity, admin, "ops")
    assert ops["description"] == ""
    duplicate = identity.request("POST", "/v3/groups", token=admin, json={
        "group": {"name": "devs", "domain_id": "default"}})
    assert duplicate.status_int == 409
    assert duplicate.json["error"]["code"] == 409
    assert _status(identity, "POST", "/v3/groups", admin, {
        "group": {"name": "x", "domain_id": "nope"}}) == 404
    assert _status(identity, "POST", "/v3/groups", admin, {
        "group": {"description": "no name"}}) == 400

    listed = identity.request("GET", "/v3/groups?domain_id=default",
                              token=admin).json["groups"]
    assert [g["name"] for g in listed] == ["devs", "ops"]
    by_name = identity.request("GET", "/v3/groups?name=ops",
                               token=admin).json["groups"]
    assert [g["id"] for g in by_name] == [ops["id"]]
    assert identity.request("GET", "/v3/groups?domain_id=other",
                            token=admin).json["groups"] == []
    shown = identity.request("GET", "/v3/groups/" + group["id"], token=admin)
    assert shown.status_int == 200 and shown.json["group"] == group

    path = "/v3/groups/" + group["id"]
    updated = identity.request("PATCH", path, token=admin, json={
        "group": {"name": "developers", "description": "All of them"}})
    assert updated.status_int == 200, updated.text
    assert (updated.json["group"]["name"],
            updated.json["group"]["description"]) == (
        "developers", "All of them")
    assert _status(identity, "PATCH", path, admin,
                   {"group": {"name": "ops"}}) == 409
    assert _status(identity, "PATCH", path, admin,
                   {"group": {"domain_id": "other"}}) == 400
    assert _status(identity, "PATCH", "/v3/groups/nope", admin,
                   {"group": {"name": "y"}}) == 404

    assert _status(identity, "DELETE", path, admin) == 204
    assert _status(identity, "DELETE", path, admin) == 404
    assert _status(identity, "GET", path, admin) == 404


def test_only_an_admin_or_a_domain_reader_reads_groups(identity):
    admin = identity.admin_token()
    demo = identity.demo_token()
    group = _group(identity, admin, "devs")
    for method, path, body in (
            ("GET", "/v3/groups", None),
            ("POST", "/v3/groups", {"group": {"name": "mine"}}),
            ("GET", "/v3/groups/" + group["id"], None),
            ("PATCH", "/v3/groups/" + group["id"], {"group": {"name": "z"}}),
            ("DELETE", "/v3/groups/" + group["id"], None),
            ("GET", "/v3/groups/%s/users" % group["id"], None)):
        response = identity.request(method, path, token=demo, json=body)
        assert response.status_int == 403, (method, path)
        assert response.json["error"]["code"] == 403
    # A reader of the domain reads them, and manages nothing.
    demo_id = _id(identity, admin, "users", "demo")
    reader_id = _id(identity, admin, "roles", "reader")
    assert _status(identity, "PUT", "/v3/domains/default/users/%s/roles/%s"
                   % (demo_id, reader_id), admin) == 204
    domain_token = identity.authenticate(
        "demo", "demo", scope={"domain": {"id": "default"}})
    assert domain_token.status_int == 201, domain_token.text
    reader = domain_token.headers["X-Subject-Token"]
    listed = identity.request("GET", "/v3/groups", token=reader)
    assert [g["name"] for g in listed.json["groups"]] == ["devs"]
    assert _status(identity, "GET", "/v3/groups/" + group["id"],
                   reader) == 200
    assert _status(identity, "POST", "/v3/groups", reader,
                   {"group": {"name": "mine"}}) == 403


def test_members_are_added_checked_listed_and_removed(identity):
    admin = identity.admin_token()
    group = _group(identity, admin, "devs")
    demo_id = _id(identity, admin, "users", "demo")
    admin_id = _id(identity, admin, "users", "admin")
    member = "/v3/groups/%s/users/%s" % (group["id"], demo_id)
    assert _status(identity, "HEAD", member, admin) == 404
    assert _status(identity, "PUT", member, admin) == 204
    assert _status(identity, "PUT", member, admin) == 204  # idempotent
    assert _status(identity, "HEAD", member, admin) == 204
    # Keystone checks a membership with HEAD only.
    wrong = identity.request("GET", member, token=admin)
    assert wrong.status_int == 405 and "HEAD" in wrong.headers["Allow"]
    assert _status(identity, "HEAD", "/v3/groups/%s/users/%s" % (
        group["id"], admin_id), admin) == 404
    for path in ("/v3/groups/nope/users/" + demo_id,
                 "/v3/groups/%s/users/nope" % group["id"]):
        assert _status(identity, "PUT", path, admin) == 404
        assert _status(identity, "HEAD", path, admin) == 404

    users = identity.request("GET", "/v3/groups/%s/users" % group["id"],
                             token=admin)
    assert users.status_int == 200
    assert [u["name"] for u in users.json["users"]] == ["demo"]
    assert identity.request("GET", "/v3/groups/%s/users?name=admin" %
                            group["id"], token=admin).json["users"] == []
    assert _status(identity, "GET", "/v3/groups/nope/users", admin) == 404

    # The user's own groups: theirs to read, not another's.
    demo = identity.demo_token()
    mine = identity.request("GET", "/v3/users/%s/groups" % demo_id,
                            token=demo)
    assert mine.status_int == 200
    assert mine.json["groups"] == [dict(group, membership_expires_at=None)]
    assert _status(identity, "GET", "/v3/users/%s/groups" % admin_id,
                   demo) == 403
    assert _status(identity, "PUT", member, demo) == 403
    assert identity.request("GET", "/v3/users/%s/groups" % admin_id,
                            token=admin).json["groups"] == []

    assert _status(identity, "DELETE", member, admin) == 204
    assert _status(identity, "DELETE", member, admin) == 404
    assert identity.request("GET", "/v3/groups/%s/users" % group["id"],
                            token=admin).json["users"] == []


def test_a_groups_roles_are_its_members_roles(identity):
    """A user with no role of their own gets a project-scoped token
    through a group holding member there (with what member implies);
    losing the membership or the grant revokes it at once."""
    admin = identity.admin_token()
    carol = _user(identity, admin, "carol")
    project = _id(identity, admin, "projects", "demo")
    member_role = _id(identity, admin, "roles", "member")
    group = _group(identity, admin, "devs")["id"]
    assert identity.authenticate("carol", "pw", "demo").status_int == 401

    grant = "/v3/projects/%s/groups/%s/roles/%s" % (project, group,
                                                    member_role)
    assert _status(identity, "GET", grant, admin) == 404
    assert _status(identity, "PUT", grant, admin) == 204
    assert _status(identity, "PUT", grant, admin) == 204
    assert _status(identity, "GET", grant, admin) == 204
    assert _status(identity, "HEAD", grant, admin) == 204
    roles = identity.request("GET", "/v3/projects/%s/groups/%s/roles" % (
        project, group), token=admin).json["roles"]
    assert [role["name"] for role in roles] == ["member"]
    assert _status(identity, "PUT", "/v3/projects/nope/groups/%s/roles/%s"
                   % (group, member_role), admin) == 404
    assert _status(identity, "PUT", "/v3/projects/%s/groups/nope/roles/%s"
                   % (project, member_role), admin) == 404
    assert _status(identity, "PUT", grant, identity.demo_token()) == 403

    membership = "/v3/groups/%s/users/%s" % (group, carol)
    assert _status(identity, "PUT", membership, admin) == 204
    token = identity.authenticate("carol", "pw", "demo")
    assert token.status_int == 201, token.text
    assert sorted(r["name"] for r in token.json["token"]["roles"]) == [
        "member", "reader"]
    subject = token.headers["X-Subject-Token"]
    projects = identity.request("GET", "/v3/auth/projects", token=subject)
    assert [p["name"] for p in projects.json["projects"]] == ["demo"]
    assert [p["name"] for p in identity.request(
        "GET", "/v3/users/%s/projects" % carol,
        token=admin).json["projects"]] == ["demo"]
    # The user's own roles there are still none (Keystone's answer).
    assert identity.request("GET", "/v3/projects/%s/users/%s/roles" % (
        project, carol), token=admin).json["roles"] == []

    # Leaving the group ends the token and the access.
    assert _status(identity, "DELETE", membership, admin) == 204
    assert identity.request("GET", "/v3/auth/tokens", token=admin,
                            subject=subject).status_int == 404
    assert identity.authenticate("carol", "pw", "demo").status_int == 401
    # So does removing the group's role.
    assert _status(identity, "PUT", membership, admin) == 204
    subject = identity.token("carol", "pw", "demo")
    assert _status(identity, "DELETE", grant, admin) == 204
    assert _status(identity, "DELETE", grant, admin) == 404
    assert identity.request("GET", "/v3/auth/tokens", token=admin,
                            subject=subject).status_int == 404
    assert identity.authenticate("carol", "pw", "demo").status_int == 401


def test_a_groups_role_on_the_domain(identity):
    admin = identity.admin_token()
    carol = _user(identity, admin, "carol")
    reader = _id(identity, admin, "roles", "reader")
    group = _group(identity, admin, "auditors")["id"]
    assert _status(identity, "PUT", "/v3/groups/%s/users/%s" % (
        group, carol), admin) == 204
    grant = "/v3/domains/default/groups/%s/roles/%s" % (group, reader)
    assert _status(identity, "PUT", grant, admin) == 204
    assert _status(identity, "HEAD", grant, admin) == 204
    roles = identity.request("GET", "/v3/domains/default/groups/%s/roles"
                             % group, token=admin).json["roles"]
    assert [role["name"] for role in roles] == ["reader"]
    assert _status(identity, "PUT", "/v3/domains/nope/groups/%s/roles/%s"
                   % (group, reader), admin) == 404
    scope = {"domain": {"name": "Default"}}
    token = identity.authenticate("carol", "pw", scope=scope)
    assert token.status_int == 201, token.text
    assert [r["name"] for r in token.json["token"]["roles"]] == ["reader"]
    subject = token.headers["X-Subject-Token"]
    assert [d["id"] for d in identity.request(
        "GET", "/v3/auth/domains", token=subject).json["domains"]] == [
        "default"]
    # A reader of the domain reads the groups and their members.
    assert identity.request("GET", "/v3/groups/%s/users" % group,
                            token=subject).status_int == 200
    assert _status(identity, "DELETE", grant, admin) == 204
    assert identity.request("GET", "/v3/auth/tokens", token=admin,
                            subject=subject).status_int == 404
    assert identity.authenticate("carol", "pw",
                                 scope=scope).status_int == 401


def test_role_assignments_list_the_groups_and_expand_them(identity):
    admin = identity.admin_token()
    group, (carol, dave), project, member_role = _team(
        identity, admin, "carol", "dave")
    reader_role = _id(identity, admin, "roles", "reader")

    def listed(query):
        response = identity.request("GET", "/v3/role_assignments?" + query,
                                    token=admin)
        assert response.status_int == 200, response.text
        return response.json["role_assignments"]

    grant_link = "%s/projects/%s/groups/%s/roles/%s" % (
        BASE, project, group, member_role)
    assert listed("group.id=" + group) == [{
        "group": {"id": group},
        "scope": {"project": {"id": project}},
        "role": {"id": member_role},
        "links": {"assignment": grant_link}}]
    named = listed("group.id=%s&include_names" % group)
    assert named[0]["group"] == {
        "id": group, "name": "devs",
        "domain": {"id": "default", "name": "Default"}}
    on_project = listed("scope.project.id=" + project)
    assert [a for a in on_project if "group" in a] == listed(
        "group.id=" + group)
    assert [a for a in on_project if "user" in a] == listed(
        "scope.project.id=%s&user.id=%s" % (
            project, _id(identity, admin, "users", "demo")))
    # A user's direct assignments are theirs alone; effective ones
    # include their groups', one per member, with what they imply.
    assert listed("user.id=" + carol) == []
    assert listed("user.id=%s&effective" % carol) == [
        {"user": {"id": carol}, "scope": {"project": {"id": project}},
         "role": {"id": member_role},
         "links": {"assignment": grant_link,
                   "membership": "%s/groups/%s/users/%s" % (
                       BASE, group, carol)}},
        {"user": {"id": carol}, "scope": {"project": {"id": project}},
         "role": {"id": reader_role},
         "links": {"assignment": grant_link,
                   "prior_role": "%s/prior_role/%s/implies/%s" % (
                       BASE, reader_role, member_role),
                   "membership": "%s/groups/%s/users/%s" % (
                       BASE, group, carol)}}]
    effective = listed("scope.project.id=%s&role.id=%s&effective" % (
        project, member_role))
    through_group = sorted(a["user"]["id"] for a in effective
                           if "membership" in a["links"])
    assert through_group == sorted([carol, dave])
    assert not any("group" in a for a in effective)
    bad = identity.request("GET", "/v3/role_assignments?group.id=%s&"
                           "effective" % group, token=admin)
    assert bad.status_int == 400
    assert bad.json["error"]["code"] == 400


def test_deleting_removes_memberships_and_grants(identity):
    """Deleting a group removes its members and roles (and the members'
    tokens through it); deleting a user, a project or a role removes
    what named them."""
    admin = identity.admin_token()
    group, (carol, erin), project, _ = _team(identity, admin, "carol",
                                             "erin")
    subject = identity.token("carol", "pw", "demo")

    assert _status(identity, "DELETE", "/v3/users/" + erin, admin) == 204
    assert [u["name"] for u in identity.request(
        "GET", "/v3/groups/%s/users" % group,
        token=admin).json["users"]] == ["carol"]

    assert _status(identity, "DELETE", "/v3/groups/" + group, admin) == 204
    assert identity.request("GET", "/v3/auth/tokens", token=admin,
                            subject=subject).status_int == 404
    assert identity.authenticate("carol", "pw", "demo").status_int == 401
    assert identity.request("GET", "/v3/users/%s/groups" % carol,
                            token=admin).json["groups"] == []
    assert identity.request("GET", "/v3/role_assignments?group.id=" + group,
                            token=admin).json["role_assignments"] == []

    # A project's and a role's deletion take their group grants along.
    group = _group(identity, admin, "again")["id"]
    identity.request("PUT", "/v3/groups/%s/users/%s" % (group, carol),
                     token=admin)
    temp = identity.request("POST", "/v3/projects", token=admin, json={
        "project": {"name": "temp"}}).json["project"]["id"]
    role = identity.request("POST", "/v3/roles", token=admin, json={
        "role": {"name": "temp-role"}}).json["role"]["id"]
    for target in (temp, project):
        assert _status(identity, "PUT", "/v3/projects/%s/groups/%s/roles/%s"
                       % (target, group, role), admin) == 204
    subject = identity.token("carol", "pw", "demo")
    assert _status(identity, "DELETE", "/v3/projects/" + temp, admin) == 204
    assert _status(identity, "DELETE", "/v3/roles/" + role, admin) == 204
    assert identity.request("GET", "/v3/role_assignments?group.id=" + group,
                            token=admin).json["role_assignments"] == []
    # The role's holders through the group lose their tokens.
    assert identity.request("GET", "/v3/auth/tokens", token=admin,
                            subject=subject).status_int == 404
