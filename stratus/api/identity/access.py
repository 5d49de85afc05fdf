"""Who may call what on the built-in Identity API.

Keystone's default policies reduced to what a cloud with one domain and
project-scoped tokens needs: administrators (role ``admin``) manage
everything; other users may read themselves and the projects they hold a
role on. Groups, their members and the roles granted (Keystone's
``identity:get_group``, ``list_users_in_group``, ``check_grant`` ...)
may also be read by a reader of the domain (a domain-scoped token with
``reader``), and a user may list their own groups.
"""
from stratus.identity import exception as identity_exception


def _action(req):
    return "%s %s" % (req.method, req.environ.get("stratus.route", req.path))


def require_admin(req):
    if not req.context.is_admin:
        raise identity_exception.Forbidden(action=_action(req))


def require_admin_or_user(req, user_id):
    if not (req.context.is_admin or req.context.user_id == user_id):
        raise identity_exception.Forbidden(action=_action(req))


def require_admin_or_member(req, project_id):
    if req.context.is_admin:
        return
    if project_id not in {project.id for project in
                          req.app.store.projects_of_user(req.context.user_id)}:
        raise identity_exception.Forbidden(action=_action(req))


def _domain_reader(req):
    token = req.environ.get("stratus.identity.token")
    return (token is not None and token.is_domain_scoped
            and "reader" in token.roles)


def require_reader(req):
    """An admin, or a reader of the (one) domain."""
    if not (req.context.is_admin or _domain_reader(req)):
        raise identity_exception.Forbidden(action=_action(req))


def require_reader_or_user(req, user_id):
    if not (req.context.is_admin or _domain_reader(req)
            or req.context.user_id == user_id):
        raise identity_exception.Forbidden(action=_action(req))
