from stratus.policies import base

BASE_POLICY_NAME = "os_compute_api:extensions"


def list_rules():
    return [
        base.rule(BASE_POLICY_NAME, base.ANY,
                  "List the available extensions and show one",
                  [("GET", "/extensions"), ("GET", "/extensions/{alias}")]),
    ]
