"""Roles of users on projects and on the domain:
/v3/projects/{p}/users/{u}/roles[/{r}], /v3/domains/{d}/users/{u}/roles[/{r}]
and /v3/role_assignments. There are no groups, no assignments on the
system and no inheritance, so effective assignments (?effective) are the
direct ones and the roles they imply."""
import collections
import dataclasses

from stratus.api.identity import access
from stratus.api.identity import views
from stratus.api.schemas import identity as schema
from stratus.api import validation
from stratus.api import wsgi
from stratus.identity import store as identity_store
from stratus.identity import exception as identity_exception


def _handlers(target_key, assign, has, unassign, roles_on, get_target,
              not_found):
    """PUT, GET/HEAD and DELETE of one assignment and GET of a user's
    roles on a project or the domain; target_key is the path parameter
    naming it (project_id or domain_id), the rest the store's methods by
    name and the exception of a missing assignment."""
    def assign_role(req, user_id, role_id, **target):
        access.require_admin(req)
        getattr(req.app.store, assign)(user_id, target[target_key], role_id)
        return wsgi.empty_response(req)

    def check_role(req, user_id, role_id, **target):
        access.require_admin(req)
        if not getattr(req.app.store, has)(user_id, target[target_key],
                                           role_id):
            raise not_found(role_id=role_id, user_id=user_id, **target)
        return wsgi.empty_response(req)

    def unassign_role(req, user_id, role_id, **target):
        access.require_admin(req)
        getattr(req.app.store, unassign)(user_id, target[target_key],
                                         role_id)
        return wsgi.empty_response(req)

    def list_user_roles(req, user_id, **target):
        access.require_admin(req)
        store = req.app.store
        getattr(store, get_target)(target[target_key])
        store.get_user(user_id)
        return views.collection(req, "roles", [
            views.role(req, role) for role in
            getattr(store, roles_on)(user_id, target[target_key])])
    return assign_role, check_role, unassign_role, list_user_roles


def _named(handlers, *names):
    """The handlers under their own names (the OpenAPI operation ids)."""
    for handler, name in zip(handlers, names):
        handler.__name__ = handler.__qualname__ = name
    return handlers


(assign_role, check_role, unassign_role,
 list_project_user_roles) = _named(_handlers(
    "project_id", "assign_role", "has_role", "unassign_role",
    "roles_on_project", "get_project",
    identity_exception.RoleAssignmentNotFound),
    "assign_role", "check_role", "unassign_role", "list_project_user_roles")
(assign_domain_role, check_domain_role, unassign_domain_role,
 list_domain_user_roles) = _named(_handlers(
    "domain_id", "assign_domain_role", "has_domain_role",
    "unassign_domain_role", "roles_on_domain", "get_domain",
    identity_exception.DomainRoleAssignmentNotFound),
    "assign_domain_role", "check_domain_role", "unassign_domain_role",
    "list_domain_user_roles")


@dataclasses.dataclass(frozen=True)
class _Row:
    """One (effective) assignment of role_id to a user on a project or
    the domain (scope "projects" or "domains"), through prior_role_id
    when it is implied."""
    user_id: str
    scope: str
    target_id: str
    role_id: str
    prior_role_id: str | None = None


def _with_implied(store, rows):
    """The assignments, each followed by the roles it implies (through the
    role that implies each, as Keystone lists them)."""
    rules = collections.defaultdict(list)
    for prior, implied in store.list_role_inferences().items():
        rules[prior.id] = [role.id for role in implied]
    effective = []
    for row in rows:
        effective.append(row)
        seen, pending = {row.role_id}, [row.role_id]
        while pending:
            prior = pending.pop(0)
            for role_id in rules[prior]:
                if role_id not in seen:
                    seen.add(role_id)
                    pending.append(role_id)
                    effective.append(dataclasses.replace(
                        row, role_id=role_id, prior_role_id=prior))
    return effective


def _direct_rows(store, query, effective):
    """The direct assignments the query's filters select."""
    role_id = None if effective else query.get("role.id")
    user_id = query.get("user.id")
    if "group.id" in query or "scope.system" in query:
        return []
    rows = []
    if "scope.domain.id" not in query:
        rows += [_Row(a.user_id, "projects", a.project_id, a.role_id)
                 for a in store.list_assignments(
                     user_id=user_id,
                     project_id=query.get("scope.project.id"),
                     role_id=role_id)]
    if "scope.project.id" not in query:
        rows += [_Row(a.user_id, "domains", a.domain_id, a.role_id)
                 for a in store.list_domain_assignments(
                     user_id=user_id,
                     domain_id=query.get("scope.domain.id"),
                     role_id=role_id)]
    return rows


@validation.query_schema(schema.list_role_assignments_query)
def list_role_assignments(req):
    access.require_admin(req)
    store = req.app.store
    effective = "effective" in req.GET
    role_id = req.GET.get("role.id")
    rows = _direct_rows(store, req.GET, effective)
    if effective:
        rows = [row for row in _with_implied(store, rows)
                if role_id is None or row.role_id == role_id]
    names = None
    if "include_names" in req.GET and views.truthy(req.GET["include_names"]):
        names = {
            "user": store.names_of(identity_store.User,
                                   [row.user_id for row in rows]),
            "projects": store.names_of(
                identity_store.Project,
                [row.target_id for row in rows if row.scope == "projects"]),
            "domains": {identity_store.DEFAULT_DOMAIN.id:
                        identity_store.DEFAULT_DOMAIN.name},
            "role": store.names_of(identity_store.Role,
                                   [row.role_id for row in rows]),
        }
    return views.collection(req, "role_assignments", [
        _assignment(req, row, names) for row in rows])


def _assignment(req, row, names):
    user = {"id": row.user_id}
    target = {"id": row.target_id}
    role = {"id": row.role_id}
    if names is not None:
        domain = views.domain_ref(identity_store.DEFAULT_DOMAIN)
        user.update(name=names["user"].get(row.user_id), domain=domain)
        target["name"] = names[row.scope].get(row.target_id)
        if row.scope == "projects":
            target["domain"] = domain
        role["name"] = names["role"].get(row.role_id)
    links = {"assignment": views.url(
        req, row.scope, row.target_id, "users", row.user_id, "roles",
        row.prior_role_id or row.role_id)}
    if row.prior_role_id:
        # Keystone's link, implied role first.
        links["prior_role"] = views.url(req, "prior_role", row.role_id,
                                        "implies", row.prior_role_id)
    scope = "project" if row.scope == "projects" else "domain"
    return {"user": user, "scope": {scope: target}, "role": role,
            "links": links}
