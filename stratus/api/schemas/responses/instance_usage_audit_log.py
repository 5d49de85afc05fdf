"""Responses of /os-instance_usage_audit_log: the list and the show
have the same audit log, under a plural and a singular key."""

_AUDIT_LOG = {
    "type": "object",
    "properties": {
        "hosts_not_run": {"type": "array", "items": {"type": "string"}},
        "log": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "instances": {"type": "integer", "minimum": 0},
                    "errors": {"type": "integer", "minimum": 0},
                    "message": {"type": "string"},
                    "state": {"type": "string",
                              "enum": ["RUNNING", "DONE"]},
                },
            },
        },
        "num_hosts": {"type": "integer", "minimum": 0},
        "num_hosts_done": {"type": "integer", "minimum": 0},
        "num_hosts_not_run": {"type": "integer", "minimum": 0},
        "num_hosts_running": {"type": "integer", "minimum": 0},
        "overall_status": {"type": "string"},
        # "2012-06-01 00:00:00": Python's str() of a time, as Nova sends
        "period_beginning": {"type": "string"},
        "period_ending": {"type": "string"},
        "total_errors": {"type": "integer", "minimum": 0},
        "total_instances": {"type": "integer", "minimum": 0},
    },
    "required": ["hosts_not_run", "log", "num_hosts", "num_hosts_done",
                 "num_hosts_not_run", "num_hosts_running", "overall_status",
                 "period_beginning", "period_ending", "total_errors",
                 "total_instances"],
    "additionalProperties": False,
}


def _under(key):
    return {"type": "object", "properties": {key: _AUDIT_LOG},
            "required": [key], "additionalProperties": False}


RESPONSES = {
    ("GET", "/v2.1/os-instance_usage_audit_log"): [
        ("2.1", None, 200, _under("instance_usage_audit_logs")),
    ],
    ("GET", "/v2.1/os-instance_usage_audit_log/{before_timestamp}"): [
        ("2.1", None, 200, _under("instance_usage_audit_log")),
    ],
}
