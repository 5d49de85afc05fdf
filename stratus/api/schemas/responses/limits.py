"""/limits (Nova's api-ref "Limits")."""
from stratus.api.schemas.responses import common as c

_ABSOLUTE = ["maxTotalInstances", "maxTotalCores", "maxTotalRAMSize",
             "maxServerMeta", "maxTotalKeypairs", "maxServerGroups",
             "maxServerGroupMembers", "totalInstancesUsed", "totalCoresUsed",
             "totalRAMUsed", "totalServerGroupsUsed"]
# Gone at 2.36 (network proxies), 2.39 (image metadata) and 2.57
# (personality files).
_V236 = ["maxSecurityGroupRules", "maxSecurityGroups", "maxTotalFloatingIps",
         "totalFloatingIpsUsed", "totalSecurityGroupsUsed"]
_V239 = ["maxImageMeta"]
_V257 = ["maxPersonality", "maxPersonalitySize"]


def _limits(names):
    absolute = c.obj({name: c.integer for name in names})
    return c.wrap("limits", c.obj({"absolute": absolute,
                                   "rate": c.array_of({"type": "object"})}))


RESPONSES = {
    ("GET", "/v2.1/limits"): [
        ("2.1", "2.35", 200, _limits(_ABSOLUTE + _V236 + _V239 + _V257)),
        ("2.36", "2.38", 200, _limits(_ABSOLUTE + _V239 + _V257)),
        ("2.39", "2.56", 200, _limits(_ABSOLUTE + _V257)),
        ("2.57", None, 200, _limits(_ABSOLUTE)),
    ],
}
