from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-hosts:%s"
_DEPRECATED = "\n\nThis API is deprecated in favor of os-hypervisors and " \
    "os-services."


def list_rules():
    return [
        base.rule(POLICY_ROOT % "list", base.ADMIN,
                  "List physical hosts." + _DEPRECATED,
                  [("GET", "/os-hosts")]),
        base.rule(POLICY_ROOT % "show", base.ADMIN,
                  "Show physical host." + _DEPRECATED,
                  [("GET", "/os-hosts/{host_name}")]),
        base.rule(POLICY_ROOT % "update", base.ADMIN,
                  "Update physical host." + _DEPRECATED,
                  [("PUT", "/os-hosts/{host_name}")]),
        base.rule(POLICY_ROOT % "reboot", base.ADMIN,
                  "Reboot physical host." + _DEPRECATED,
                  [("GET", "/os-hosts/{host_name}/reboot")]),
        base.rule(POLICY_ROOT % "shutdown", base.ADMIN,
                  "Shutdown physical host." + _DEPRECATED,
                  [("GET", "/os-hosts/{host_name}/shutdown")]),
        base.rule(POLICY_ROOT % "start", base.ADMIN,
                  "Start physical host." + _DEPRECATED,
                  [("GET", "/os-hosts/{host_name}/startup")]),
    ]
