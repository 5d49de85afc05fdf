"""Roles of users on projects: /v3/projects/{p}/users/{u}/roles[/{r}] and
/v3/role_assignments. There are no groups, and no assignments on domains
or the system, so effective assignments (?effective) are the direct ones
and the roles they imply."""
import collections
import dataclasses

from stratus.api.identity import access
from stratus.api.identity import views
from stratus.api.schemas import identity as schema
from stratus.api import validation
from stratus.api import wsgi
from stratus.identity import store as identity_store
from stratus.identity import exception as identity_exception


def assign_role(req, project_id, user_id, role_id):
    access.require_admin(req)
    req.app.store.assign_role(user_id, project_id, role_id)
    return wsgi.empty_response(req)


def check_role(req, project_id, user_id, role_id):
    access.require_admin(req)
    if not req.app.store.has_role(user_id, project_id, role_id):
        raise identity_exception.RoleAssignmentNotFound(
            role_id=role_id, user_id=user_id, project_id=project_id)
    return wsgi.empty_response(req)


def unassign_role(req, project_id, user_id, role_id):
    access.require_admin(req)
    req.app.store.unassign_role(user_id, project_id, role_id)
    return wsgi.empty_response(req)


def list_project_user_roles(req, project_id, user_id):
    access.require_admin(req)
    store = req.app.store
    store.get_project(project_id)
    store.get_user(user_id)
    return views.collection(req, "roles", [
        views.role(req, role)
        for role in store.roles_on_project(user_id, project_id)])


@dataclasses.dataclass(frozen=True)
class _Implied:
    """An effective assignment of role_id through prior_role_id."""
    user_id: str
    project_id: str
    role_id: str
    prior_role_id: str


def _with_implied(store, assignments):
    """The assignments, each followed by the roles it implies (through the
    role that implies each, as Keystone lists them)."""
    rules = collections.defaultdict(list)
    for prior, implied in store.list_role_inferences().items():
        rules[prior.id] = [role.id for role in implied]
    effective = []
    for assignment in assignments:
        effective.append(assignment)
        seen, pending = {assignment.role_id}, [assignment.role_id]
        while pending:
            prior = pending.pop(0)
            for role_id in rules[prior]:
                if role_id not in seen:
                    seen.add(role_id)
                    pending.append(role_id)
                    effective.append(_Implied(
                        assignment.user_id, assignment.project_id, role_id,
                        prior))
    return effective


@validation.query_schema(schema.list_role_assignments_query)
def list_role_assignments(req):
    access.require_admin(req)
    store = req.app.store
    effective = "effective" in req.GET
    role_id = req.GET.get("role.id")
    if any(key in req.GET for key in ("group.id", "scope.domain.id",
                                      "scope.system")):
        assignments = []
    else:
        assignments = store.list_assignments(
            user_id=req.GET.get("user.id"),
            project_id=req.GET.get("scope.project.id"),
            role_id=None if effective else role_id)
    if effective:
        assignments = [assignment for assignment
                       in _with_implied(store, assignments)
                       if role_id is None or assignment.role_id == role_id]
    names = None
    if "include_names" in req.GET and views.truthy(req.GET["include_names"]):
        names = {
            "user": store.names_of(identity_store.User,
                                   [a.user_id for a in assignments]),
            "project": store.names_of(identity_store.Project,
                                      [a.project_id for a in assignments]),
            "role": store.names_of(identity_store.Role,
                                   [a.role_id for a in assignments]),
        }
    return views.collection(req, "role_assignments", [
        _assignment(req, assignment, names) for assignment in assignments])


def _assignment(req, assignment, names):
    user = {"id": assignment.user_id}
    project = {"id": assignment.project_id}
    role = {"id": assignment.role_id}
    if names is not None:
        domain = views.domain_ref(identity_store.DEFAULT_DOMAIN)
        user.update(name=names["user"].get(assignment.user_id), domain=domain)
        project.update(name=names["project"].get(assignment.project_id),
                       domain=domain)
        role["name"] = names["role"].get(assignment.role_id)
    prior = getattr(assignment, "prior_role_id", None)
    links = {"assignment": views.url(
        req, "projects", assignment.project_id, "users", assignment.user_id,
        "roles", prior or assignment.role_id)}
    if prior:
        # Keystone's link, implied role first.
        links["prior_role"] = views.url(req, "prior_role",
                                        assignment.role_id, "implies", prior)
    return {"user": user, "scope": {"project": project}, "role": role,
            "links": links}
