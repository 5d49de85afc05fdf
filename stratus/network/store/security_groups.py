"""Security groups and their rules.

Every project has one group named ``default``, made the first time the
project needs it (it lists groups, or makes a port), as Neutron makes
it: egress open for IPv4 and IPv6, ingress only from members of the
same group.
"""
from stratus.db import network_models as models
from stratus.network.store import common

DEFAULT_NAME = "default"
DEFAULT_DESCRIPTION = "Default security group"


def default_rules(group_id):
    """(direction, ethertype, remote_group_id) of a default group's rules."""
    return [("egress", "IPv4", None), ("egress", "IPv6", None),
            ("ingress", "IPv4", group_id), ("ingress", "IPv6", group_id)]


def default_group_id(session, project_id):
    row = session.get(models.DefaultSecurityGroup, project_id)
    return row.security_group_id if row is not None else None


def ensure_default(session, project_id):
    """The id of the project's default group, made now if it has none.
    Of two concurrent makers one wins the primary key of
    network_default_security_groups; the other's transaction fails with
    IntegrityError, and tried again (ipam.retry_on_conflict) finds the
    winner's group."""
    existing = default_group_id(session, project_id)
    if existing is not None:
        return existing
    group_id = common.new_id()
    session.add(models.SecurityGroup(
        id=group_id, project_id=project_id, name=DEFAULT_NAME,
        description=DEFAULT_DESCRIPTION))
    session.flush()
    session.add(models.DefaultSecurityGroup(
        project_id=project_id, security_group_id=group_id))
    for direction, ethertype, remote_group in default_rules(group_id):
        session.add(models.SecurityGroupRule(
            id=common.new_id(), project_id=project_id,
            security_group_id=group_id, direction=direction,
            ethertype=ethertype, remote_group_id=remote_group))
    session.flush()
    return group_id
