"""Roles of users and groups on projects and on the domain:
/v3/projects/{p}/users/{u}/roles[/{r}], /v3/domains/{d}/users/{u}/roles[/{r}],
the same with groups/{g} in place of users/{u}, and /v3/role_assignments.
There are no assignments on the system and no inheritance, so effective
assignments (?effective) are the users' direct ones, their groups' (one
per member, as Keystone lists them) and the roles both imply."""
import collections
import dataclasses

from stratus.api.identity import access
from stratus.api.identity import views
from stratus.api.schemas import identity as schema
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus.identity import store as identity_store
from stratus.identity import exception as identity_exception


def _handlers(actor_key, target_key, assign, has, unassign, roles_on,
              get_actor, get_target, not_found):
    """PUT, GET/HEAD and DELETE of one assignment and GET of an actor's
    roles on a project or the domain; actor_key and target_key are the
    path parameters naming the user or group and the project or domain
    (user_id, project_id ...), the rest the store's methods by name and
    the exception of a missing assignment. Keystone's defaults: granting
    and revoking take admin, reading admin or a reader of the domain."""
    def assign_role(req, role_id, **ids):
        access.require_admin(req)
        getattr(req.app.store, assign)(ids[actor_key], ids[target_key],
                                       role_id)
        return wsgi.empty_response(req)

    def check_role(req, role_id, **ids):
        access.require_reader(req)
        if not getattr(req.app.store, has)(ids[actor_key], ids[target_key],
                                           role_id):
            raise not_found(role_id=role_id, **ids)
        return wsgi.empty_response(req)

    def unassign_role(req, role_id, **ids):
        access.require_admin(req)
        getattr(req.app.store, unassign)(ids[actor_key], ids[target_key],
                                         role_id)
        return wsgi.empty_response(req)

    def list_roles(req, **ids):
        access.require_reader(req)
        store = req.app.store
        getattr(store, get_target)(ids[target_key])
        getattr(store, get_actor)(ids[actor_key])
        return views.collection(req, "roles", [
            views.role(req, role) for role in
            getattr(store, roles_on)(ids[actor_key], ids[target_key])])
    return assign_role, check_role, unassign_role, list_roles


def _named(handlers, *names):
    """The handlers under their own names (the OpenAPI operation ids)."""
    for handler, name in zip(handlers, names):
        handler.__name__ = handler.__qualname__ = name
    return handlers


(assign_role, check_role, unassign_role,
 list_project_user_roles) = _named(_handlers(
    "user_id", "project_id", "assign_role", "has_role", "unassign_role",
    "roles_on_project", "get_user", "get_project",
    identity_exception.RoleAssignmentNotFound),
    "assign_role", "check_role", "unassign_role", "list_project_user_roles")
(assign_domain_role, check_domain_role, unassign_domain_role,
 list_domain_user_roles) = _named(_handlers(
    "user_id", "domain_id", "assign_domain_role", "has_domain_role",
    "unassign_domain_role", "roles_on_domain", "get_user", "get_domain",
    identity_exception.DomainRoleAssignmentNotFound),
    "assign_domain_role", "check_domain_role", "unassign_domain_role",
    "list_domain_user_roles")
(assign_group_role, check_group_role, unassign_group_role,
 list_project_group_roles) = _named(_handlers(
    "group_id", "project_id", "assign_group_role", "has_group_role",
    "unassign_group_role", "group_roles_on_project", "get_group",
    "get_project", identity_exception.GroupRoleAssignmentNotFound),
    "assign_group_role", "check_group_role", "unassign_group_role",
    "list_project_group_roles")
(assign_group_domain_role, check_group_domain_role,
 unassign_group_domain_role, list_domain_group_roles) = _named(_handlers(
    "group_id", "domain_id", "assign_group_domain_role",
    "has_group_domain_role", "unassign_group_domain_role",
    "group_roles_on_domain", "get_group", "get_domain",
    identity_exception.GroupDomainRoleAssignmentNotFound),
    "assign_group_domain_role", "check_group_domain_role",
    "unassign_group_domain_role", "list_domain_group_roles")


@dataclasses.dataclass(frozen=True)
class _Row:
    """One (effective) assignment of role_id to a user or a group on a
    project or the domain (scope "projects" or "domains"), through
    prior_role_id when it is implied. A group's has group_id and no
    user_id; listed as one of its members' (effective), both."""
    user_id: str | None
    scope: str
    target_id: str
    role_id: str
    prior_role_id: str | None = None
    group_id: str | None = None


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


# scope, its filter, the other scope's filter, the target column, the
# users' and the groups' assignments there.
_SCOPES = (
    ("projects", "scope.project.id", "scope.domain.id", "project_id",
     identity_store.Assignment, identity_store.GroupAssignment),
    ("domains", "scope.domain.id", "scope.project.id", "domain_id",
     identity_store.DomainAssignment, identity_store.GroupDomainAssignment),
)


def _direct_rows(store, query, effective):
    """The direct assignments (users' and groups') the query's filters
    select."""
    role_id = None if effective else query.get("role.id")
    user_id = query.get("user.id")
    group_id = query.get("group.id")
    if "scope.system" in query:
        return []
    rows = []
    for scope, wanted, other, column, of_users, of_groups in _SCOPES:
        if other in query:
            continue
        filters = {column: query.get(wanted), "role_id": role_id}
        if group_id is None:
            rows += [_Row(a.user_id, scope, getattr(a, column), a.role_id)
                     for a in store.list_assignments(
                         of_users, user_id=user_id, **filters)]
        if user_id is None or effective:
            rows += [_Row(None, scope, getattr(a, column), a.role_id,
                          group_id=a.group_id)
                     for a in store.list_assignments(
                         of_groups, group_id=group_id, **filters)]
    return rows


def _through_members(store, rows, user_id):
    """Each group's assignment as one of each of its members' (of user_id
    only, if given)."""
    members = store.members_of([row.group_id for row in rows
                                if row.group_id])
    effective = []
    for row in rows:
        if row.group_id is None:
            effective.append(row)
            continue
        effective += [dataclasses.replace(row, user_id=member)
                      for member in members.get(row.group_id, ())
                      if user_id is None or member == user_id]
    return effective


@validation.query_schema(schema.list_role_assignments_query)
def list_role_assignments(req):
    access.require_admin(req)
    store = req.app.store
    effective = "effective" in req.GET
    role_id = req.GET.get("role.id")
    if effective and "group.id" in req.GET:
        raise exception.Invalid(
            "Combining effective and group filter will always result in "
            "an empty list.")
    rows = _direct_rows(store, req.GET, effective)
    if effective:
        rows = [row for row in _with_implied(store, _through_members(
                    store, rows, req.GET.get("user.id")))
                if role_id is None or row.role_id == role_id]
    names = None
    if "include_names" in req.GET and views.truthy(req.GET["include_names"]):
        names = {
            "user": store.names_of(identity_store.User, [
                row.user_id for row in rows if row.user_id]),
            "group": store.names_of(identity_store.Group, [
                row.group_id for row in rows if not row.user_id]),
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
    actor, actor_id = (("user", row.user_id) if row.user_id
                       else ("group", row.group_id))
    who = {"id": actor_id}
    target = {"id": row.target_id}
    role = {"id": row.role_id}
    if names is not None:
        domain = views.domain_ref(identity_store.DEFAULT_DOMAIN)
        who.update(name=names[actor].get(actor_id), domain=domain)
        target["name"] = names[row.scope].get(row.target_id)
        if row.scope == "projects":
            target["domain"] = domain
        role["name"] = names["role"].get(row.role_id)
    granted_to = (("groups", row.group_id) if row.group_id
                  else ("users", row.user_id))
    links = {"assignment": views.url(
        req, row.scope, row.target_id, *granted_to, "roles",
        row.prior_role_id or row.role_id)}
    if row.prior_role_id:
        # Keystone's link, implied role first.
        links["prior_role"] = views.url(req, "prior_role", row.role_id,
                                        "implies", row.prior_role_id)
    if row.group_id and row.user_id:
        links["membership"] = views.url(req, "groups", row.group_id,
                                        "users", row.user_id)
    scope = "project" if row.scope == "projects" else "domain"
    return {actor: who, "scope": {scope: target}, "role": role,
            "links": links}
