"""/v2.0/security-groups: security groups (security-group and
stateful-security-group extensions).

Each project has a group named ``default``, made the first time the
project lists its groups or makes one; it cannot be renamed, nor
deleted but by an administrator. A new group starts with Neutron's two
egress rules (IPv4, IPv6), which count against the rule quota; the
default group counts against the group quota. Groups shared through RBAC
are not served.
"""
from stratus.api.network import resource
from stratus.api.network.resource import Attribute
from stratus.network import exception as net_exception
from stratus.network.store import security_groups as sg_store

# The rules a new (not default) group starts with, for the rule quota.
_NEW_GROUP_RULES = len(sg_store.new_group_rules(None))


def _check(req, values, existing):
    name = values.get("name")
    if isinstance(name, str) and name.lower() == sg_store.DEFAULT_NAME:
        raise net_exception.SecurityGroupDefaultAlreadyExists()
    if existing is None:
        # As in Neutron: the project's default group is made before
        # another, so the group quota counts it.
        project_id = values["project_id"]
        req.app.stores["security_groups"].ensure_default(project_id)
        req.app.quotas.enforce(project_id, "security_group_rule",
                               _NEW_GROUP_RULES)


SECURITY_GROUP = resource.Resource("security_group", "security_groups", [
    Attribute("name", post=True, put=True, default="",
              schema=resource.NAME),
    Attribute("stateful", post=True, put=True, default=True,
              convert=resource.to_boolean, schema=resource.BOOLEAN),
    Attribute("security_group_rules", filter=False, sort=False),
], quota="security_group", check=_check)

(_list, create_security_group, show_security_group,
 update_security_group, delete_security_group) = SECURITY_GROUP.handlers()


def list_security_groups(req):
    """The caller's project's default group is made first if missing (or
    that of the project the list is filtered on, when the caller is an
    administrator or of that project)."""
    wanted = (req.GET.getall("project_id") or req.GET.getall("tenant_id")
              or [req.context.project_id])
    project_id = wanted[0]
    if project_id and (req.context.is_admin
                       or project_id == req.context.project_id):
        req.app.stores["security_groups"].ensure_default(project_id)
    return _list(req)
