from stratus.policies import base

BASE_POLICY_NAME = "compute:server:topology:%s"
INDEX = BASE_POLICY_NAME % "index"
HOST_INDEX = BASE_POLICY_NAME % "host:index"


def list_rules():
    return [
        base.rule(INDEX, base.PROJECT_READER_OR_ADMIN,
                  "Show the NUMA topology data for a server",
                  [("GET", "/servers/{server_id}/topology")]),
        base.rule(HOST_INDEX, base.ADMIN,
                  "Show the NUMA topology data for a server with host "
                  "NUMA ID and CPU pinning information",
                  [("GET", "/servers/{server_id}/topology")]),
    ]
