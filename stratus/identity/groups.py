"""Groups of the built-in Identity service, as Keystone has them: a group
lives in a domain (its name unique there), holds users, and roles granted
to it on a project or the domain are held by each of its members (tokens
carry them: IdentityStore.effective_roles_on_project).

GroupStore is a part of IdentityStore (stratus/identity/store.py), whose
helpers (_get, _list, _insert, _writing, _reading, _grant, _ungrant,
_roles_of) it uses. Taking rights away revokes tokens, as the store's
other changes do: removing a member revokes their tokens on the projects
the group holds roles on (all of them if it holds a role on the domain),
removing a grant revokes the members' tokens there, deleting a group
does both for every member.
"""
import uuid

import sqlalchemy as sa

from stratus.db import api_models
from stratus.identity import exception as identity_exception

Group = api_models.IdentityGroup
Membership = api_models.IdentityGroupMembership
GroupAssignment = api_models.IdentityGroupRoleAssignment
GroupDomainAssignment = api_models.IdentityGroupDomainRoleAssignment

DEFAULT_DOMAIN_ID = "default"


class GroupStore:

    # Groups ----------------------------------------------------------------

    def get_group(self, group_id):
        return self._get(Group, group_id,
                         identity_exception.GroupNotFound(group_id=group_id))

    def list_groups(self, **filters):
        """Groups whose name or domain_id equal the filters."""
        return self._list(Group, **filters)

    def create_group(self, name, domain_id=DEFAULT_DOMAIN_ID, description="",
                     extra=None):
        self.get_domain(domain_id)
        group = Group(id=uuid.uuid4().hex, name=name, domain_id=domain_id,
                      description=description, extra=extra or {})
        return self._insert(group, "group")

    def update_group(self, group_id, changes):
        """Apply changes (name, description and extra attributes)."""
        with self._writing("group", changes.get("name")) as session:
            group = session.get(Group, group_id)
            if group is None:
                raise identity_exception.GroupNotFound(group_id=group_id)
            self._apply_changes(group, changes, ("name", "description"))
        return group

    def delete_group(self, group_id):
        """The group, its memberships and its grants; its members' tokens
        that carried its roles are revoked."""
        with self.db.writer() as session:
            group = session.get(Group, group_id)
            if group is None:
                raise identity_exception.GroupNotFound(group_id=group_id)
            taken = self._rights_of(session, group_id, _members(
                session, group_id))
            for model in (Membership, GroupAssignment,
                          GroupDomainAssignment):
                session.execute(sa.delete(model).where(
                    model.group_id == group_id))
            session.delete(group)
        self._revoke(taken)

    # Members ---------------------------------------------------------------

    def list_group_users(self, group_id, **filters):
        """The group's members whose name, domain_id or enabled equal the
        filters."""
        self.get_group(group_id)
        user = api_models.IdentityUser
        query = sa.select(user).join(
            Membership, Membership.user_id == user.id).where(
            Membership.group_id == group_id).order_by(user.name)
        for column, value in filters.items():
            query = query.where(getattr(user, column) == value)
        with self._reading() as session:
            return list(session.scalars(query))

    def groups_of_user(self, user_id, **filters):
        """The groups the user belongs to whose name equals the filter."""
        self.get_user(user_id)
        query = sa.select(Group).join(
            Membership, Membership.group_id == Group.id).where(
            Membership.user_id == user_id).order_by(Group.name)
        for column, value in filters.items():
            query = query.where(getattr(Group, column) == value)
        with self._reading() as session:
            return list(session.scalars(query))

    def members_of(self, group_ids):
        """{group id: [user id, ...]} of these groups (those with
        members)."""
        members = {}
        with self._reading() as session:
            for group_id, user_id in session.execute(
                    sa.select(Membership.group_id, Membership.user_id)
                    .where(Membership.group_id.in_(list(set(group_ids))))
                    .order_by(Membership.group_id, Membership.user_id)):
                members.setdefault(group_id, []).append(user_id)
        return members

    def add_user_to_group(self, group_id, user_id):
        """Idempotent, as in Keystone."""
        self._grant(Membership, dict(group_id=group_id, user_id=user_id),
                    self.get_group, self.get_user)

    def check_user_in_group(self, group_id, user_id):
        """NotFound unless the group, the user and the membership exist."""
        self.get_group(group_id)
        self.get_user(user_id)
        if not self._granted(Membership, dict(group_id=group_id,
                                              user_id=user_id)):
            raise identity_exception.GroupMembershipNotFound(
                group_id=group_id, user_id=user_id)

    def remove_user_from_group(self, group_id, user_id):
        with self.db.writer() as session:
            taken = self._rights_of(session, group_id, [user_id])
            deleted = session.execute(sa.delete(Membership).where(
                Membership.group_id == group_id,
                Membership.user_id == user_id)).rowcount
        if not deleted:
            self.check_user_in_group(group_id, user_id)
        self._revoke(taken)

    # Roles of groups ---------------------------------------------------------

    def assign_group_role(self, group_id, project_id, role_id):
        """Idempotent, as in Keystone."""
        self._grant(GroupAssignment, dict(
            group_id=group_id, project_id=project_id, role_id=role_id),
            self.get_group, self.get_project)

    def has_group_role(self, group_id, project_id, role_id):
        return self._granted(GroupAssignment, dict(
            group_id=group_id, project_id=project_id, role_id=role_id))

    def unassign_group_role(self, group_id, project_id, role_id):
        key = dict(group_id=group_id, project_id=project_id, role_id=role_id)
        self._ungrant_from_group(
            GroupAssignment, key, project_id,
            identity_exception.GroupRoleAssignmentNotFound(**key))

    def group_roles_on_project(self, group_id, project_id):
        return self._roles_of(GroupAssignment, group_id=group_id,
                              project_id=project_id)

    def assign_group_domain_role(self, group_id, domain_id, role_id):
        self._grant(GroupDomainAssignment, dict(
            group_id=group_id, domain_id=domain_id, role_id=role_id),
            self.get_group, self.get_domain)

    def has_group_domain_role(self, group_id, domain_id, role_id):
        return self._granted(GroupDomainAssignment, dict(
            group_id=group_id, domain_id=domain_id, role_id=role_id))

    def unassign_group_domain_role(self, group_id, domain_id, role_id):
        key = dict(group_id=group_id, domain_id=domain_id, role_id=role_id)
        self._ungrant_from_group(
            GroupDomainAssignment, key, None,
            identity_exception.GroupDomainRoleAssignmentNotFound(**key))

    def group_roles_on_domain(self, group_id, domain_id):
        return self._roles_of(GroupDomainAssignment, group_id=group_id,
                              domain_id=domain_id)

    def _ungrant_from_group(self, model, key, project_id, not_found):
        """Remove the group's assignment; its members' tokens on the
        project (project_id None: the domain, so all of them) are
        revoked."""
        with self._reading() as session:
            members = _members(session, key["group_id"])
        if not self._ungrant(model, key):
            raise not_found
        self._revoke([(user_id, project_id) for user_id in members])

    def _rights_of(self, session, group_id, user_ids):
        """(user_id, project_id) of the revocations that take away from
        user_ids what the group gives: one per project it holds a role on,
        and (user_id, None) if it holds one on the domain."""
        projects = list(session.scalars(
            sa.select(GroupAssignment.project_id).where(
                GroupAssignment.group_id == group_id).distinct()))
        on_domain = session.scalar(sa.select(GroupDomainAssignment.role_id)
                                   .where(GroupDomainAssignment.group_id
                                          == group_id).limit(1))
        if on_domain is not None:
            projects = [None]
        return [(user_id, project_id) for user_id in user_ids
                for project_id in projects]


def _members(session, group_id):
    return list(session.scalars(sa.select(Membership.user_id).where(
        Membership.group_id == group_id)))

