from stratus.policies import base

POLICY_ROOT = "os_compute_api:os-volumes-attachments:%s"
_ROUTE = "/servers/{server_id}/os-volume_attachments"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "index", base.PROJECT_READER_OR_ADMIN,
                  "List volume attachments for an instance",
                  [("GET", _ROUTE)]),
        base.rule(POLICY_ROOT % "create", base.PROJECT_MEMBER_OR_ADMIN,
                  "Attach a volume to an instance", [("POST", _ROUTE)]),
        base.rule(POLICY_ROOT % "show", base.PROJECT_READER_OR_ADMIN,
                  "Show details of a volume attachment",
                  [("GET", _ROUTE + "/{volume_id}")]),
        base.rule(POLICY_ROOT % "update", base.PROJECT_MEMBER_OR_ADMIN,
                  "Update a volume attachment (2.85: "
                  "delete_on_termination)",
                  [("PUT", _ROUTE + "/{volume_id}")]),
        base.rule(POLICY_ROOT % "swap", base.ADMIN,
                  "Swap the volume of a volume attachment for another",
                  [("PUT", _ROUTE + "/{volume_id}")]),
        base.rule(POLICY_ROOT % "delete", base.PROJECT_MEMBER_OR_ADMIN,
                  "Detach a volume from an instance",
                  [("DELETE", _ROUTE + "/{volume_id}")]),
    ]
