"""Responses of /os-quota-class-sets/{id}: the limits by microversion
(networking quotas up to 2.49, server group ones from 2.50, injected
files up to 2.56); a show names the class, an update not."""
_LIMIT = {"type": "integer", "minimum": -1}
_BASE = ("cores", "instances", "key_pairs", "metadata_items", "ram")
_INJECTED = ("injected_file_content_bytes", "injected_file_path_bytes",
             "injected_files")
_NETWORK = ("fixed_ips", "floating_ips", "security_group_rules",
            "security_groups")
_SERVER_GROUPS = ("server_group_members", "server_groups")


def _body(resources, with_id):
    properties = {name: _LIMIT for name in resources}
    if with_id:
        properties["id"] = {"type": "string"}
    return {
        "type": "object",
        "properties": {"quota_class_set": {
            "type": "object", "properties": properties,
            "required": sorted(properties), "additionalProperties": False}},
        "required": ["quota_class_set"],
        "additionalProperties": False,
    }


_V21 = _BASE + _INJECTED + _NETWORK
_V250 = _BASE + _INJECTED + _SERVER_GROUPS
_V257 = _BASE + _SERVER_GROUPS

RESPONSES = {
    ("GET", "/v2.1/os-quota-class-sets/{id}"): [
        ("2.1", "2.49", 200, _body(_V21, True)),
        ("2.50", "2.56", 200, _body(_V250, True)),
        ("2.57", None, 200, _body(_V257, True)),
    ],
    ("PUT", "/v2.1/os-quota-class-sets/{id}"): [
        ("2.1", "2.49", 200, _body(_V21, False)),
        ("2.50", "2.56", 200, _body(_V250, False)),
        ("2.57", None, 200, _body(_V257, False)),
    ],
}
