"""Neutron's base rules, and its ``field:`` check.

``field:<resource>:<field>=<value>`` holds when the target's field has
that value (``True``/``False`` compare as booleans); ``=~<regex>`` when it
matches the regular expression. Neutron's defaults use it for shared and
external networks (``field:networks:shared=True``).
"""
import re

from oslo_policy import policy

from stratus.policies.base import rule  # noqa: F401 - the rules' maker

ADMIN = "rule:admin_only"
PROJECT_MEMBER = "role:member and project_id:%(project_id)s"
PROJECT_READER = "role:reader and project_id:%(project_id)s"
ADMIN_OR_PROJECT_MEMBER = "(rule:admin_only) or (%s)" % PROJECT_MEMBER
ADMIN_OR_PROJECT_READER = "(rule:admin_only) or (%s)" % PROJECT_READER
# The owner of the network a port (or subnet) is on.
NETWORK_OWNER_MEMBER = ("role:member and "
                        "project_id:%(network:tenant_id)s")
NETWORK_OWNER_READER = ("role:reader and "
                        "project_id:%(network:tenant_id)s")
ANY = ""


@policy.register("field")
class FieldCheck(policy.Check):
    def __init__(self, kind, match):
        super().__init__(kind, match)
        _resource, field_value = match.split(":", 1)
        field, value = field_value.split("=", 1)
        self.field = field
        if value.startswith("~"):
            self.regex = re.compile(value[1:])
            self.value = None
        else:
            self.regex = None
            self.value = {"true": True, "false": False}.get(value.lower(),
                                                           value)

    def __call__(self, target, creds, enforcer, current_rule=None):
        actual = target.get(self.field)
        if self.regex is not None:
            return isinstance(actual, str) and bool(self.regex.match(actual))
        if isinstance(self.value, bool):
            return actual is self.value
        return str(actual) == self.value


def list_rules():
    return [
        policy.RuleDefault("context_is_admin", "role:admin",
                           "Rule for cloud admin access"),
        policy.RuleDefault("admin_only", "rule:context_is_admin",
                           "Rule for resource admin access"),
        policy.RuleDefault("regular_user", ANY,
                           "Rule for regular user access"),
        policy.RuleDefault("shared", "field:networks:shared=True",
                           "Rule of shared network"),
        policy.RuleDefault("external", "field:networks:router:external=True",
                           "Rule of external network"),
    ]


def crud_rules(singular, collection, create, get, update, delete):
    """Neutron's four rules of a resource (create_<singular>, get_...,
    update_..., delete_...), given their check strings."""
    resource = collection + "/{id}"
    return [
        rule("create_" + singular, create, "Create a %s" % singular,
             [("POST", collection)]),
        rule("get_" + singular, get, "Get a %s" % singular,
             [("GET", collection), ("GET", resource)]),
        rule("update_" + singular, update, "Update a %s" % singular,
             [("PUT", resource)]),
        rule("delete_" + singular, delete, "Delete a %s" % singular,
             [("DELETE", resource)]),
    ]
