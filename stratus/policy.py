"""Policy: one named rule per API operation, checked only in the API layer.

Defaults live in stratus/policies/, one module per resource; operators
override them with a policy file ([oslo_policy] policy_file).
"""
from oslo_policy import policy as oslo_policy

from stratus import exception
from stratus import policies


class Policy:
    def __init__(self, conf):
        self.enforcer = oslo_policy.Enforcer(conf)
        self.enforcer.register_defaults(policies.list_rules())

    def _creds(self, context):
        return {"user_id": context.user_id, "project_id": context.project_id,
                "roles": context.roles, "is_admin": context.is_admin}

    def _target(self, context, target):
        if target is None:
            return {"project_id": context.project_id,
                    "user_id": context.user_id}
        return target

    def authorize(self, context, rule, target=None):
        try:
            allowed = self.enforcer.authorize(
                rule, self._target(context, target), self._creds(context))
        except oslo_policy.PolicyNotRegistered:
            raise
        if not allowed:
            raise exception.PolicyNotAuthorized(action=rule)

    def check(self, context, rule, target=None):
        return bool(self.enforcer.enforce(
            rule, self._target(context, target), self._creds(context)))
