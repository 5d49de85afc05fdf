"""Security groups and their rules: the stores of both resources, and
what makes two rules of a group the same rule.

Every project has one group named ``default``, made the first time the
project needs it (it lists groups, makes one, or makes a port), as
Neutron makes it: egress open for IPv4 and IPv6, ingress only from
members of the same group. Any other new group starts with the egress
rules only.
"""
import sqlalchemy as sa

from stratus.db import network_models as models
from stratus.network import exception as net_exception
from stratus.network.store import common
from stratus.network.store import ipam

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
    _add_rules(session, group_id, project_id, default_rules(group_id))
    session.flush()
    return group_id


def new_group_rules(group_id):
    """(direction, ethertype, remote_group_id) of the rules any other new
    group starts with: egress open, as in Neutron."""
    return [rule for rule in default_rules(group_id) if rule[0] == "egress"]


def _add_rules(session, group_id, project_id, rules):
    for direction, ethertype, remote_group in rules:
        session.add(models.SecurityGroupRule(
            id=common.new_id(), project_id=project_id,
            security_group_id=group_id, direction=direction,
            ethertype=ethertype, remote_group_id=remote_group))


def _rule_dict(row):
    """A rule as Neutron shows it (rules have no tags)."""
    standard = common.standard_attributes(row)
    del standard["tags"]
    return dict(
        standard,
        id=row.id,
        security_group_id=row.security_group_id,
        direction=row.direction,
        ethertype=row.ethertype,
        protocol=row.protocol,
        port_range_min=row.port_range_min,
        port_range_max=row.port_range_max,
        remote_ip_prefix=row.remote_ip_prefix,
        remote_group_id=row.remote_group_id,
    )


def _ordered_rules(query):
    """Oldest first; rules made together (a new group's) in a stable
    order: egress before ingress, IPv4 before IPv6."""
    rule = models.SecurityGroupRule
    return query.order_by(rule.created_at, rule.direction, rule.ethertype,
                          rule.id)


class SecurityGroupStore(common.ResourceStore):
    model = models.SecurityGroup

    def not_found(self, resource_id):
        return net_exception.SecurityGroupNotFound(id=resource_id)

    def to_dicts(self, session, rows):
        rules = {}
        if rows:
            for rule in session.execute(_ordered_rules(
                    sa.select(models.SecurityGroupRule).where(
                        models.SecurityGroupRule.security_group_id.in_(
                            [row.id for row in rows])))).scalars():
                rules.setdefault(rule.security_group_id, []).append(
                    _rule_dict(rule))
        return [dict(
            common.standard_attributes(row),
            id=row.id,
            name=row.name,
            stateful=row.stateful,
            security_group_rules=rules.get(row.id, []),
        ) for row in rows]

    def ensure_default(self, project_id):
        """The project's default group id, made if missing; a concurrent
        maker's win is found on the retry."""
        def attempt():
            with self.db.writer() as session:
                return ensure_default(session, project_id)
        return ipam.retry_on_conflict(attempt)

    def create(self, ctx, values):
        """A group with Neutron's two egress rules (the project's default
        group is made first if it has none)."""
        project_id = values["project_id"]
        self.ensure_default(project_id)
        with self.db.writer() as session:
            row = self.insert(session, **self.to_columns(values))
            _add_rules(session, row.id, project_id, new_group_rules(row.id))
            session.flush()
            return self.to_dicts(session, [row])[0]

    def update(self, ctx, resource_id, values):
        """The default group keeps its name; a group ports use keeps its
        statefulness."""
        with self.db.writer() as session:
            row = self._row(session, resource_id, for_update=True)
            if "name" in values and is_default(session, row):
                raise net_exception.SecurityGroupCannotUpdateDefault()
            if values.get("stateful", row.stateful) != row.stateful and (
                    _in_use(session, resource_id)):
                raise net_exception.SecurityGroupInUse(id=resource_id)
            row = self.update_row(session, resource_id,
                                  self.to_columns(values))
            return self.to_dicts(session, [row])[0]

    def delete(self, ctx, resource_id):
        """Refused while a port uses the group, and for the default group
        unless an administrator asks; its rules, the rules of other groups
        that name it as remote group, and its default mark go with it."""
        with self.db.writer() as session:
            row = self._row(session, resource_id, for_update=True)
            if _in_use(session, resource_id):
                raise net_exception.SecurityGroupInUse(id=resource_id)
            if is_default(session, row) and not ctx.is_admin:
                raise net_exception.SecurityGroupCannotRemoveDefault()
            session.execute(sa.delete(models.DefaultSecurityGroup).where(
                models.DefaultSecurityGroup.security_group_id == resource_id))
            session.execute(sa.delete(models.SecurityGroupRule).where(
                sa.or_(models.SecurityGroupRule.security_group_id
                       == resource_id,
                       models.SecurityGroupRule.remote_group_id
                       == resource_id)))
            session.delete(row)

    def project_of(self, group_ids):
        """{group id: project id} of the groups that exist."""
        if not group_ids:
            return {}
        with self.db.reader() as session:
            return dict(session.execute(
                sa.select(models.SecurityGroup.id,
                          models.SecurityGroup.project_id).where(
                    models.SecurityGroup.id.in_(list(group_ids)))).all())


def _in_use(session, group_id):
    """Whether a port is in the group."""
    return session.execute(
        sa.select(models.PortSecurityGroup.port_id).where(
            models.PortSecurityGroup.security_group_id == group_id)
        .limit(1)).first() is not None


def is_default(session, row):
    """Whether the group is its project's default group."""
    return default_group_id(session, row.project_id) == row.id


# Neutron's IP protocol names (neutron-lib's IP_PROTOCOL_MAP) and numbers.
PROTOCOLS = {"ah": 51, "dccp": 33, "egp": 8, "esp": 50, "gre": 47,
             "hopopt": 0, "icmp": 1, "igmp": 2, "ipip": 4, "ipv6-encap": 41,
             "ipv6-frag": 44, "ipv6-icmp": 58, "icmpv6": 58,
             "ipv6-nonxt": 59, "ipv6-opts": 60, "ipv6-route": 43,
             "ospf": 89, "pgm": 113, "rsvp": 46, "sctp": 132, "tcp": 6,
             "udp": 17, "udplite": 136, "vrrp": 112}
ICMP, IPV6_ICMP = 1, 58
ALL_ADDRESSES = ("0.0.0.0/0", "::/0")


def protocol_number(protocol, ethertype="IPv4"):
    """A rule's protocol (a name, a number as a string, or None) as its
    number; icmp names ipv6-icmp in an IPv6 rule, as in Neutron."""
    if protocol is None:
        return None
    number = PROTOCOLS.get(protocol)
    if number is None:
        number = int(protocol)
    if number == ICMP and ethertype == "IPv6":
        return IPV6_ICMP
    return number


def rule_key(rule):
    """What makes two rules of a group the same rule (Neutron's
    _rule_to_key): protocols by number, any address as no prefix."""
    prefix = rule.get("remote_ip_prefix")
    return (rule.get("security_group_id"), rule.get("direction"),
            rule.get("ethertype"),
            protocol_number(rule.get("protocol"), rule.get("ethertype")),
            rule.get("port_range_min"), rule.get("port_range_max"),
            rule.get("remote_group_id"),
            None if prefix in ALL_ADDRESSES else prefix)


class SecurityGroupRuleStore(common.ResourceStore):
    model = models.SecurityGroupRule

    def not_found(self, resource_id):
        return net_exception.SecurityGroupRuleNotFound(id=resource_id)

    def to_dicts(self, session, rows):
        return [_rule_dict(row) for row in rows]

    def visible(self, ctx, query):
        """A project sees its own rules and the rules of its groups."""
        if ctx.is_admin:
            return query
        own_groups = sa.select(models.SecurityGroup.id).where(
            models.SecurityGroup.project_id == ctx.project_id)
        return query.where(sa.or_(
            models.SecurityGroupRule.project_id == ctx.project_id,
            models.SecurityGroupRule.security_group_id.in_(own_groups)))

    def create(self, ctx, values):
        """The rule, unless its group has an equal one (rule_key):
        SecurityGroupRuleExists. The group and the remote group are locked
        meanwhile, in the order of their ids (no deadlock between two
        groups naming each other), so that two equal rules made at once
        cannot both pass and neither group goes away under the rule."""
        wanted = [values["security_group_id"], values.get("remote_group_id")]
        with self.db.writer() as session:
            found = set(session.execute(
                sa.select(models.SecurityGroup.id).where(
                    models.SecurityGroup.id.in_(
                        [group for group in wanted if group is not None]))
                .order_by(models.SecurityGroup.id)
                .with_for_update()).scalars())
            for group_id in wanted:
                if group_id is not None and group_id not in found:
                    raise net_exception.SecurityGroupNotFound(id=group_id)
            for existing in session.execute(_ordered_rules(
                    sa.select(models.SecurityGroupRule).where(
                        models.SecurityGroupRule.security_group_id
                        == wanted[0]))).scalars():
                if rule_key(_rule_dict(existing)) == rule_key(values):
                    raise net_exception.SecurityGroupRuleExists(
                        rule_id=existing.id)
            row = self.insert(session, **self.to_columns(values))
            return self.to_dicts(session, [row])[0]
