"""The accounts every Stratus cloud starts with, created idempotently:
roles admin/member/reader with the implications admin => member => reader
(as `keystone-manage bootstrap` makes them); projects admin and demo in domain default
(the one domain, built in); user admin (admin, member and reader on
project admin, and admin on domain default, as DevStack gives it: the
domain-scoped token Horizon asks for at login) and user demo (member and
reader on project demo), with the passwords [identity] admin_password
and demo_password."""
from stratus import exception
from stratus.identity import store as identity_store
from stratus.identity import tokens
from stratus.identity import exception as identity_exception

ROLES = ("admin", "member", "reader")
IMPLIED_ROLES = (("admin", "member"), ("member", "reader"))
ADMIN_PROJECT = "admin"
ACCOUNTS = (
    # user, password option, project, roles, roles on the domain
    ("admin", "admin_password", ADMIN_PROJECT, ("admin", "member", "reader"),
     ("admin",)),
    ("demo", "demo_password", "demo", ("member", "reader"), ()),
)


def _ensure(find, create):
    """(row, whether it was created here)."""
    try:
        return find(), False
    except exception.NotFound:
        pass
    try:
        return create(), True
    except identity_exception.DuplicateEntry:
        return find(), False  # created meanwhile by another process


def bootstrap(conf, databases):
    store = identity_store.IdentityStore(databases, tokens.Revocations(
        databases, conf.identity.token_expiration))
    domain_id = identity_store.DEFAULT_DOMAIN.id
    roles = {}
    for name in ROLES:
        roles[name], _ = _ensure(
            lambda: _role_named(store, name),
            lambda: store.create_role(name))
    for prior, implied in IMPLIED_ROLES:
        try:
            store.create_implied_role(roles[prior].id, roles[implied].id)
        except identity_exception.DuplicateEntry:
            pass
    for (user_name, password_option, project_name, role_names,
         domain_role_names) in ACCOUNTS:
        password = conf.identity[password_option]
        project, _ = _ensure(
            lambda: store.find_project(project_name, domain_id),
            lambda: store.create_project(
                project_name, domain_id,
                description="Bootstrap project %s" % project_name))
        user, created = _ensure(
            lambda: store.find_user(user_name, domain_id),
            lambda: store.create_user(user_name, domain_id,
                                      password=password,
                                      default_project_id=project.id))
        if not created and not store.check_password(user, password):
            store.update_user(user.id, {"password": password})
        for role_name in role_names:
            store.assign_role(user.id, project.id, roles[role_name].id)
        for role_name in domain_role_names:
            store.assign_domain_role(user.id, domain_id, roles[role_name].id)


def _role_named(store, name):
    found = store.list_roles(name=name)
    if not found:
        raise identity_exception.RoleNotFound(role_id=name)
    return found[0]
