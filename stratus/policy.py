"""Policy: one named rule per API operation, checked only in the API layer.

Defaults live in stratus/policies/, one module per resource; operators
override them with a policy file ([oslo_policy] policy_file), read when the
API starts: a changed policy file takes effect at the next restart.
"""
from oslo_policy import policy as oslo_policy

from stratus import exception
from stratus import policies


class Policy:
    """An enforcer of rules (by default the Compute API's; the image service
    passes Glance's, stratus.policies.image_service)."""

    def __init__(self, conf, rules=None):
        self.enforcer = oslo_policy.Enforcer(conf)
        self.enforcer.register_defaults(
            policies.list_rules() if rules is None else rules)
        # oslo.policy otherwise searches the config directories for the
        # policy file on every single check (a stat per directory per
        # request), which showed as 7% of the API's time under load.
        self.enforcer.load_rules()
        self.enforcer.use_conf = False
        self._decisions = {}

    def _creds(self, context):
        return {"user_id": context.user_id, "project_id": context.project_id,
                "roles": context.roles, "is_admin": context.is_admin}

    def _target(self, context, target):
        if target is None:
            return {"project_id": context.project_id,
                    "user_id": context.user_id}
        return target

    def authorize(self, context, rule, target=None):
        if not self._decide(rule, self._target(context, target),
                            self._creds(context), registered_only=True):
            raise exception.PolicyNotAuthorized(action=rule)

    def check(self, context, rule, target=None):
        return self._decide(rule, self._target(context, target),
                            self._creds(context), registered_only=False)

    def _decide(self, rule, target, creds, registered_only):
        # Rules are fixed once loaded, so a decision depends only on the
        # rule, target and credentials: remember it. oslo.policy inspects
        # every check function's signature on every call, which made policy
        # a visible share of each request.
        try:
            key = (rule, registered_only, tuple(sorted(target.items())),
                   creds["user_id"], creds["project_id"],
                   tuple(sorted(creds["roles"])), creds["is_admin"])
            hash(key)
        except TypeError:
            return self._enforce(rule, target, creds, registered_only)
        decision = self._decisions.get(key)
        if decision is None:
            decision = self._enforce(rule, target, creds, registered_only)
            if len(self._decisions) > 10000:
                self._decisions.clear()
            self._decisions[key] = decision
        return decision

    def _enforce(self, rule, target, creds, registered_only):
        if registered_only:
            return bool(self.enforcer.authorize(rule, target, creds))
        return bool(self.enforcer.enforce(rule, target, creds))
