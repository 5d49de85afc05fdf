"""/os-quota-sets (Nova's api-ref "Quota sets")."""
from stratus.api.schemas.responses import common as c

_QUOTAS = ["instances", "cores", "ram", "metadata_items", "key_pairs",
           "server_groups", "server_group_members"]
_FILES = ["injected_files", "injected_file_content_bytes",
          "injected_file_path_bytes"]
_NETWORK = ["fixed_ips", "floating_ips", "security_groups",
            "security_group_rules"]
_detail_value = c.obj({"limit": c.integer, "in_use": c.integer,
                       "reserved": c.integer})
_RANGES = [("2.1", "2.35", _QUOTAS + _FILES + _NETWORK),
           ("2.36", "2.56", _QUOTAS + _FILES),
           ("2.57", None, _QUOTAS)]


def _sets(value, with_id=True):
    entries = []
    for low, high, names in _RANGES:
        properties = {name: value for name in names}
        if with_id:
            properties["id"] = c.string
        entries.append((low, high, 200, c.wrap("quota_set",
                                               c.obj(properties))))
    return entries


_ROUTE = "/v2.1/os-quota-sets/{project_id}"

RESPONSES = {
    ("GET", _ROUTE): _sets(c.integer),
    ("PUT", _ROUTE): _sets(c.integer, with_id=False),
    ("DELETE", _ROUTE): c.none(202),
    ("GET", _ROUTE + "/defaults"): _sets(c.integer),
    ("GET", _ROUTE + "/detail"): _sets(_detail_value),
}
