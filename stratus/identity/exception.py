"""Exceptions of the built-in identity service, as its API answers them."""
from stratus import exception


class TokenNotFound(exception.NotFound):
    msg_fmt = "Could not find token: %(token_id)s."


class NoProjectAccess(exception.Unauthorized):
    msg_fmt = "User %(user_id)s has no access to project %(project_id)s."


class NoDomainAccess(exception.Unauthorized):
    msg_fmt = "User %(user_id)s has no access to domain %(domain_id)s."


class Forbidden(exception.NotAuthorized):
    msg_fmt = ("You are not authorized to perform the requested action: "
               "%(action)s.")


class DomainNotFound(exception.NotFound):
    msg_fmt = "Could not find domain: %(domain_id)s."


class ProjectNotFound(exception.NotFound):
    msg_fmt = "Could not find project: %(project_id)s."


class UserNotFound(exception.NotFound):
    msg_fmt = "Could not find user: %(user_id)s."


class RoleNotFound(exception.NotFound):
    msg_fmt = "Could not find role: %(role_id)s."


class RoleAssignmentNotFound(exception.NotFound):
    msg_fmt = ("Could not find role assignment with role: %(role_id)s, "
               "user: %(user_id)s, project: %(project_id)s.")


class DomainRoleAssignmentNotFound(exception.NotFound):
    msg_fmt = ("Could not find role assignment with role: %(role_id)s, "
               "user: %(user_id)s, domain: %(domain_id)s.")


class ImpliedRoleNotFound(exception.NotFound):
    msg_fmt = "%(prior_role_id)s does not imply %(implied_role_id)s."


class InvalidImpliedRole(exception.NotAuthorized):
    msg_fmt = "%(role_id)s cannot be an implied roles."


class DuplicateEntry(exception.Conflict):
    msg_fmt = ("Conflict occurred attempting to store %(kind)s - Duplicate "
               "entry found with name %(name)s.")


class InvalidToken(exception.Unauthorized):
    msg_fmt = "The request you have made requires authentication."


class GroupNotFound(exception.NotFound):
    msg_fmt = "Could not find group: %(group_id)s."


class GroupMembershipNotFound(exception.NotFound):
    msg_fmt = "'%(user_id)s' not found in group '%(group_id)s'."


class GroupRoleAssignmentNotFound(exception.NotFound):
    msg_fmt = ("Could not find role assignment with role: %(role_id)s, "
               "group: %(group_id)s, project: %(project_id)s.")


class GroupDomainRoleAssignmentNotFound(exception.NotFound):
    msg_fmt = ("Could not find role assignment with role: %(role_id)s, "
               "group: %(group_id)s, domain: %(domain_id)s.")


class AppCredentialNotFound(exception.NotFound):
    msg_fmt = "Could not find Application Credential: %(credential_id)s."
