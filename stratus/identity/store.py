"""Users, groups, projects, roles and role assignments of the built-in
Identity service, in the API database.

There is one domain, ``default``: projects, users and groups all live in
it. Users and groups hold roles on projects and on that domain (a
domain-scoped token); a user holds the roles of the groups they belong to
(stratus/identity/groups.py). Changes that take rights away (deleting or
disabling a user or project, a new password, removing a role assignment,
a role, a group or a membership) add revocation events, so tokens issued
before stop working at once.
"""
import contextlib
import dataclasses
import uuid

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import api_models
from stratus import exception
from stratus.identity import groups as identity_groups
from stratus.identity import passwords
from stratus.identity import exception as identity_exception

User = api_models.IdentityUser
Project = api_models.IdentityProject
Role = api_models.IdentityRole
Assignment = api_models.IdentityRoleAssignment
DomainAssignment = api_models.IdentityDomainRoleAssignment
AppCredential = api_models.IdentityApplicationCredential
ImpliedRole = api_models.IdentityImpliedRole
Group = identity_groups.Group
Membership = identity_groups.Membership
GroupAssignment = identity_groups.GroupAssignment
GroupDomainAssignment = identity_groups.GroupDomainAssignment

# Keystone's [assignment] prohibited_implied_role: no rule may imply admin.
PROHIBITED_IMPLIED_ROLES = ("admin",)


@dataclasses.dataclass(frozen=True)
class Domain:
    id: str
    name: str
    description: str
    enabled: bool = True


DEFAULT_DOMAIN = Domain(id="default", name="Default",
                        description="The default domain")


def new_id():
    return uuid.uuid4().hex


class IdentityStore(identity_groups.GroupStore):
    def __init__(self, databases, revocations):
        self.db = databases.api
        self.revocations = revocations

    # Domains ---------------------------------------------------------------

    def get_domain(self, domain_id):
        if domain_id != DEFAULT_DOMAIN.id:
            raise identity_exception.DomainNotFound(domain_id=domain_id)
        return DEFAULT_DOMAIN

    def find_domain(self, ref):
        """The domain a request names by {"id": ...} or {"name": ...}."""
        if "id" in ref:
            return self.get_domain(ref["id"])
        if ref.get("name") != DEFAULT_DOMAIN.name:
            raise identity_exception.DomainNotFound(domain_id=ref.get("name"))
        return DEFAULT_DOMAIN

    # Users -----------------------------------------------------------------

    def get_user(self, user_id):
        return self._get(User, user_id, identity_exception.UserNotFound(user_id=user_id))

    def find_user(self, name, domain_id):
        return self._find(User, name, domain_id, identity_exception.UserNotFound(user_id=name))

    def list_users(self, **filters):
        """Users whose name, domain_id or enabled equal the filters."""
        return self._list(User, **filters)

    def create_user(self, name, domain_id=DEFAULT_DOMAIN.id, password=None,
                    enabled=True, default_project_id=None, extra=None):
        self.get_domain(domain_id)
        user = User(id=new_id(), name=name, domain_id=domain_id,
                    enabled=enabled, default_project_id=default_project_id,
                    password_hash=(passwords.hash_password(password)
                                   if password is not None else None),
                    extra=extra or {})
        return self._insert(user, "user")

    def update_user(self, user_id, changes):
        """Apply changes (name, enabled, password, default_project_id and
        extra attributes); the updated user."""
        changes = dict(changes)
        with self._writing("user", changes.get("name")) as session:
            user = session.get(User, user_id)
            if user is None:
                raise identity_exception.UserNotFound(user_id=user_id)
            revoke = False
            if "password" in changes:
                password = changes.pop("password")
                user.password_hash = (passwords.hash_password(password)
                                      if password is not None else None)
                revoke = True
            if changes.get("enabled") is False and user.enabled:
                revoke = True
            self._apply_changes(user, changes,
                                ("name", "enabled", "default_project_id"))
        if revoke:
            self.revocations.add(user_id=user_id)
        return user

    def delete_user(self, user_id):
        with self.db.writer() as session:
            user = session.get(User, user_id)
            if user is None:
                raise identity_exception.UserNotFound(user_id=user_id)
            for model in (Assignment, DomainAssignment, AppCredential,
                          Membership):
                session.execute(sa.delete(model).where(
                    model.user_id == user_id))
            session.delete(user)
        self.revocations.add(user_id=user_id)

    @staticmethod
    def check_password(user, password):
        return passwords.verify_password(password, user.password_hash)

    # Projects --------------------------------------------------------------

    def get_project(self, project_id):
        return self._get(Project, project_id,
                         identity_exception.ProjectNotFound(project_id=project_id))

    def find_project(self, name, domain_id):
        return self._find(Project, name, domain_id,
                          identity_exception.ProjectNotFound(project_id=name))

    def list_projects(self, **filters):
        """Projects whose name, domain_id or enabled equal the filters."""
        return self._list(Project, **filters)

    def create_project(self, name, domain_id=DEFAULT_DOMAIN.id,
                       description="", enabled=True, extra=None,
                       project_id=None):
        self.get_domain(domain_id)
        project = Project(id=project_id or new_id(), name=name,
                          domain_id=domain_id, description=description,
                          enabled=enabled, extra=extra or {})
        return self._insert(project, "project")

    def update_project(self, project_id, changes):
        with self._writing("project", changes.get("name")) as session:
            project = session.get(Project, project_id)
            if project is None:
                raise identity_exception.ProjectNotFound(project_id=project_id)
            disabling = changes.get("enabled") is False and project.enabled
            self._apply_changes(project, changes,
                                ("name", "description", "enabled"))
        if disabling:
            self.revocations.add(project_id=project_id)
        return project

    def delete_project(self, project_id):
        with self.db.writer() as session:
            project = session.get(Project, project_id)
            if project is None:
                raise identity_exception.ProjectNotFound(project_id=project_id)
            for model in (Assignment, AppCredential, GroupAssignment):
                session.execute(sa.delete(model).where(
                    model.project_id == project_id))
            session.delete(project)
        self.revocations.add(project_id=project_id)

    # Roles -----------------------------------------------------------------

    def get_role(self, role_id):
        return self._get(Role, role_id, identity_exception.RoleNotFound(role_id=role_id))

    def list_roles(self, **filters):
        return self._list(Role, **filters)

    def roles_named(self, names):
        """The roles with these names, in the order given."""
        with self._reading() as session:
            by_name = {role.name: role for role in session.scalars(
                sa.select(Role).where(Role.name.in_(list(names))))}
        return [by_name[name] for name in names if name in by_name]

    def roles_by_id(self, role_ids):
        """The roles with these ids that exist, in the order given."""
        with self._reading() as session:
            by_id = {role.id: role for role in session.scalars(
                sa.select(Role).where(Role.id.in_(list(role_ids))))}
        return [by_id[role_id] for role_id in role_ids if role_id in by_id]

    def create_role(self, name, role_id=None):
        return self._insert(Role(id=role_id or new_id(), name=name), "role")

    def rename_role(self, role_id, name):
        """Tokens carry role names: those of the role's holders are
        revoked, as when it is deleted."""
        with self._writing("role", name) as session:
            role = session.get(Role, role_id)
            if role is None:
                raise identity_exception.RoleNotFound(role_id=role_id)
            holders = self._holders(session, role_id)
            role.name = name
        self._revoke(holders)
        return role

    def delete_role(self, role_id):
        with self.db.writer() as session:
            role = session.get(Role, role_id)
            if role is None:
                raise identity_exception.RoleNotFound(role_id=role_id)
            holders = self._holders(session, role_id)
            for model in (Assignment, DomainAssignment, GroupAssignment,
                          GroupDomainAssignment):
                session.execute(sa.delete(model).where(
                    model.role_id == role_id))
            session.execute(sa.delete(ImpliedRole).where(sa.or_(
                ImpliedRole.prior_role_id == role_id,
                ImpliedRole.implied_role_id == role_id)))
            session.delete(role)
        self._revoke(holders)

    def _holders(self, session, role_id):
        """(user_id, project_id) of everyone holding role_id, directly,
        through a group or through a role that implies it."""
        priors = list(_closure(_rules(session), [role_id], reverse=True))
        on_projects = session.execute(
            sa.select(Assignment.user_id, Assignment.project_id).where(
                Assignment.role_id.in_(priors)).union(
                sa.select(Membership.user_id, GroupAssignment.project_id)
                .join(GroupAssignment,
                      GroupAssignment.group_id == Membership.group_id)
                .where(GroupAssignment.role_id.in_(priors)))).all()
        # A revocation names a user and a project, not a domain: a domain
        # holder's tokens all go.
        on_domains = session.execute(
            sa.select(DomainAssignment.user_id).where(
                DomainAssignment.role_id.in_(priors)).union(
                sa.select(Membership.user_id)
                .join(GroupDomainAssignment,
                      GroupDomainAssignment.group_id == Membership.group_id)
                .where(GroupDomainAssignment.role_id.in_(priors)))).all()
        return list(on_projects) + [(user_id, None)
                                    for user_id, in on_domains]

    def _revoke(self, holders):
        for user_id, project_id in holders:
            self.revocations.add(user_id=user_id, project_id=project_id)

    # Implied roles ---------------------------------------------------------

    def list_role_inferences(self):
        """{prior Role: [implied Role, ...]} of every rule."""
        with self._reading() as session:
            roles = {role.id: role for role in session.scalars(sa.select(Role))}
            rules = session.execute(sa.select(
                ImpliedRole.prior_role_id, ImpliedRole.implied_role_id)
                .order_by(ImpliedRole.prior_role_id,
                          ImpliedRole.implied_role_id)).all()
        inferences = {}
        for prior_id, implied_id in rules:
            inferences.setdefault(roles[prior_id], []).append(
                roles[implied_id])
        return inferences

    def list_implied_roles(self, prior_role_id):
        """The roles prior_role_id implies directly."""
        self.get_role(prior_role_id)
        query = (sa.select(Role).join(ImpliedRole,
                                      ImpliedRole.implied_role_id == Role.id)
                 .where(ImpliedRole.prior_role_id == prior_role_id)
                 .order_by(Role.name))
        with self._reading() as session:
            return list(session.scalars(query))

    def get_implied_role(self, prior_role_id, implied_role_id):
        """(prior Role, implied Role) of an existing rule."""
        prior = self.get_role(prior_role_id)
        implied = self.get_role(implied_role_id)
        with self._reading() as session:
            rule = session.get(ImpliedRole, dict(
                prior_role_id=prior_role_id, implied_role_id=implied_role_id))
        if rule is None:
            raise identity_exception.ImpliedRoleNotFound(prior_role_id=prior_role_id,
                                      implied_role_id=implied_role_id)
        return prior, implied

    def create_implied_role(self, prior_role_id, implied_role_id):
        """A new rule; tokens issued from now on carry the implied role."""
        prior = self.get_role(prior_role_id)
        implied = self.get_role(implied_role_id)
        if implied.name in PROHIBITED_IMPLIED_ROLES:
            raise identity_exception.InvalidImpliedRole(role_id=implied_role_id)
        key = dict(prior_role_id=prior_role_id,
                   implied_role_id=implied_role_id)
        try:
            with self.db.writer() as session:
                if session.get(ImpliedRole, key) is not None:
                    raise identity_exception.DuplicateEntry(kind="implied_role",
                                         name="%s implies %s" % (
                                             prior.name, implied.name))
                session.add(ImpliedRole(**key))
        except sa_exc.IntegrityError:
            raise identity_exception.DuplicateEntry(kind="implied_role", name="%s implies %s"
                                 % (prior.name, implied.name))
        return prior, implied

    def delete_implied_role(self, prior_role_id, implied_role_id):
        """Remove a rule; tokens that carried a role only through it stop
        working at once (revoked, as a removed assignment)."""
        with self.db.writer() as session:
            holders = self._holders(session, prior_role_id)
            deleted = session.execute(sa.delete(ImpliedRole).where(
                ImpliedRole.prior_role_id == prior_role_id,
                ImpliedRole.implied_role_id == implied_role_id)).rowcount
        if not deleted:
            self.get_role(prior_role_id)
            self.get_role(implied_role_id)
            raise identity_exception.ImpliedRoleNotFound(prior_role_id=prior_role_id,
                                      implied_role_id=implied_role_id)
        self._revoke(holders)

    def effective_roles_on_project(self, user_id, project_id):
        """The user's roles on the project, those of their groups and
        those implied by either included (what a token carries), by
        name."""
        return self.with_implied_roles(self._held(
            Assignment, GroupAssignment, user_id, project_id=project_id))

    def effective_roles_on_domain(self, user_id, domain_id):
        """The user's roles on the domain, their groups' and the implied
        ones included."""
        return self.with_implied_roles(self._held(
            DomainAssignment, GroupDomainAssignment, user_id,
            domain_id=domain_id))

    def _held(self, model, group_model, user_id, **target):
        """The roles user_id holds on the target (project_id=... or
        domain_id=...) directly (model) or through a group
        (group_model)."""
        (column, value), = target.items()
        direct = sa.select(model.role_id).where(
            model.user_id == user_id, getattr(model, column) == value)
        via_groups = (sa.select(group_model.role_id)
                      .join(Membership,
                            Membership.group_id == group_model.group_id)
                      .where(Membership.user_id == user_id,
                             getattr(group_model, column) == value))
        with self._reading() as session:
            return list(session.scalars(sa.select(Role).where(sa.or_(
                Role.id.in_(direct), Role.id.in_(via_groups))).order_by(
                Role.name)))

    def with_implied_roles(self, direct):
        """The roles and every role they imply, by name."""
        if not direct:
            return []
        with self._reading() as session:
            ids = _closure(_rules(session), [role.id for role in direct])
            return list(session.scalars(sa.select(Role).where(
                Role.id.in_(list(ids))).order_by(Role.name)))

    # Role assignments ------------------------------------------------------

    def roles_on_project(self, user_id, project_id):
        """The roles assigned to the user on the project (not through a
        group, not implied)."""
        return self._roles_of(Assignment, user_id=user_id,
                              project_id=project_id)

    def roles_on_domain(self, user_id, domain_id):
        return self._roles_of(DomainAssignment, user_id=user_id,
                              domain_id=domain_id)

    def domains_of_user(self, user_id):
        """Domains on which the user holds at least one role, directly or
        through a group."""
        if self._held(DomainAssignment, GroupDomainAssignment, user_id,
                      domain_id=DEFAULT_DOMAIN.id):
            return [DEFAULT_DOMAIN]
        return []

    def assign_domain_role(self, user_id, domain_id, role_id):
        """Idempotent, as in Keystone."""
        self._grant(DomainAssignment, dict(
            user_id=user_id, domain_id=domain_id, role_id=role_id),
            self.get_user, self.get_domain)

    def has_domain_role(self, user_id, domain_id, role_id):
        return self._granted(DomainAssignment, dict(
            user_id=user_id, domain_id=domain_id, role_id=role_id))

    def unassign_domain_role(self, user_id, domain_id, role_id):
        key = dict(user_id=user_id, domain_id=domain_id, role_id=role_id)
        if not self._ungrant(DomainAssignment, key):
            raise identity_exception.DomainRoleAssignmentNotFound(**key)
        self.revocations.add(user_id=user_id)

    def projects_of_user(self, user_id):
        """Projects on which the user holds at least one role, directly or
        through a group."""
        query = (sa.select(Project).where(sa.or_(
            Project.id.in_(sa.select(Assignment.project_id).where(
                Assignment.user_id == user_id)),
            Project.id.in_(sa.select(GroupAssignment.project_id).join(
                Membership, Membership.group_id == GroupAssignment.group_id)
                .where(Membership.user_id == user_id))))
            .order_by(Project.name))
        with self._reading() as session:
            return list(session.scalars(query))

    def assign_role(self, user_id, project_id, role_id):
        """Idempotent, as in Keystone."""
        self._grant(Assignment, dict(
            user_id=user_id, project_id=project_id, role_id=role_id),
            self.get_user, self.get_project)

    def has_role(self, user_id, project_id, role_id):
        return self._granted(Assignment, dict(
            user_id=user_id, project_id=project_id, role_id=role_id))

    def unassign_role(self, user_id, project_id, role_id):
        key = dict(user_id=user_id, project_id=project_id, role_id=role_id)
        if not self._ungrant(Assignment, key):
            raise identity_exception.RoleAssignmentNotFound(**key)
        self.revocations.add(user_id=user_id, project_id=project_id)

    # One assignment row (a user's or a group's, on a project or the
    # domain), keyed by its columns.

    def _grant(self, model, key, get_actor, get_target):
        """Add the row (an assignment or a membership) if there is none
        yet (idempotent, as in Keystone), once what it names exists:
        get_actor and get_target find the values of its first two
        columns, role_id (if it has one) is a role."""
        actor_id, target_id = list(key.values())[:2]
        get_actor(actor_id)
        get_target(target_id)
        if "role_id" in key:
            self.get_role(key["role_id"])
        try:
            with self.db.writer() as session:
                if session.get(model, key) is None:
                    session.add(model(**key))
        except sa_exc.IntegrityError:
            # Fine if a concurrent request made the same row; not if what
            # it names went away meanwhile.
            if not self._granted(model, key):
                names = [column[:-len("_id")] for column in key]
                raise exception.Conflict(
                    "The %s or %s was deleted meanwhile." % (
                        ", ".join(names[:-1]), names[-1]))

    def _granted(self, model, key):
        with self._reading() as session:
            return session.get(model, key) is not None

    def _ungrant(self, model, key):
        """Whether there was such a row to delete."""
        with self.db.writer() as session:
            return bool(session.execute(sa.delete(model).where(*[
                getattr(model, column) == value
                for column, value in key.items()])).rowcount)

    def _roles_of(self, model, **key):
        """The roles of the assignment rows of model matching key."""
        query = (sa.select(Role).join(model, model.role_id == Role.id)
                 .where(*[getattr(model, column) == value
                          for column, value in key.items()])
                 .order_by(Role.name))
        with self._reading() as session:
            return list(session.scalars(query))

    def list_assignments(self, model, **filters):
        """The rows of model (Assignment, DomainAssignment, GroupAssignment
        or GroupDomainAssignment) whose columns equal the filters that are
        not None, by target, then user or group, then role."""
        actor, target, role = model.__table__.primary_key.columns
        query = _filtered(sa.select(model).order_by(target, actor, role),
                          model, **filters)
        with self._reading() as session:
            return list(session.scalars(query))

    def names_of(self, model, ids):
        """{id: name} of the rows of model with these ids."""
        with self._reading() as session:
            return dict(session.execute(sa.select(model.id, model.name).where(
                model.id.in_(list(set(ids))))).all())

    # -----------------------------------------------------------------------

    def _get(self, model, row_id, not_found):
        with self._reading() as session:
            row = session.get(model, row_id)
        if row is None:
            raise not_found
        return row

    def _find(self, model, name, domain_id, not_found):
        with self._reading() as session:
            row = session.scalar(sa.select(model).where(
                model.name == name, model.domain_id == domain_id))
        if row is None:
            raise not_found
        return row

    def _list(self, model, **filters):
        query = _filtered(sa.select(model).order_by(model.name), model,
                          **filters)
        with self._reading() as session:
            return list(session.scalars(query))

    def _insert(self, row, kind):
        with self._writing(kind, row.name) as session:
            session.add(row)
        return row

    @staticmethod
    def _apply_changes(row, changes, columns):
        """Set the columns among changes; the others go into row.extra."""
        extra = dict(row.extra or {})
        for key, value in changes.items():
            if key in columns:
                setattr(row, key, value)
            else:
                extra[key] = value
        row.extra = extra

    @contextlib.contextmanager
    def _reading(self):
        """A reader session whose rows stay usable after it ends."""
        with self.db.reader() as session:
            yield session
            session.expunge_all()

    @contextlib.contextmanager
    def _writing(self, kind, name):
        """A writer session whose unique-constraint failures become 409s."""
        try:
            with self.db.writer() as session:
                yield session
        except sa_exc.IntegrityError:
            raise identity_exception.DuplicateEntry(kind=kind, name=name)


def _rules(session):
    return session.execute(sa.select(ImpliedRole.prior_role_id,
                                     ImpliedRole.implied_role_id)).all()


def _closure(rules, role_ids, reverse=False):
    """role_ids and every role they imply, transitively (with reverse, every
    role implying them). Rules may form cycles, as in Keystone."""
    following = {}
    for prior_id, implied_id in rules:
        source, target = ((implied_id, prior_id) if reverse
                          else (prior_id, implied_id))
        following.setdefault(source, []).append(target)
    found, pending = set(role_ids), list(role_ids)
    while pending:
        for role_id in following.get(pending.pop(), ()):
            if role_id not in found:
                found.add(role_id)
                pending.append(role_id)
    return found


def _filtered(query, model, **filters):
    for column, value in filters.items():
        if value is not None:
            query = query.where(getattr(model, column) == value)
    return query

