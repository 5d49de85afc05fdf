"""/os-hypervisors (Nova's api-ref "Hypervisors")."""
from stratus.api.schemas.responses import common as c

_USAGE = ["vcpus", "memory_mb", "local_gb", "vcpus_used", "memory_mb_used",
          "local_gb_used", "free_ram_mb", "free_disk_gb", "current_workload",
          "running_vms"]
_servers = c.array_of(c.obj({"name": c.string, "uuid": c.string}))
_summary = c.bands(
    ({"id": c.integer, "hypervisor_hostname": c.string,
      "state": {"enum": ["up", "down"]},
      "status": {"enum": ["enabled", "disabled"]}, "servers": _servers},
     ["id", "hypervisor_hostname", "state", "status"]),
    [("2.53", {"id": c.string}, [], [])])
_usage = {name: c.integer for name in _USAGE}
_usage["disk_available_least"] = {"type": ["integer", "null"]}
_detail = c.bands(
    (dict({"id": c.integer, "hypervisor_hostname": c.string,
           "state": {"enum": ["up", "down"]},
           "status": {"enum": ["enabled", "disabled"]},
           "servers": _servers, "hypervisor_type": c.string,
           "hypervisor_version": c.integer, "host_ip": c.nullable_string,
           "service": c.obj({"host": c.string, "id": c.integer,
                             "disabled_reason": c.nullable_string}),
           "cpu_info": c.string}, **_usage),
     ["id", "hypervisor_hostname", "state", "status", "hypervisor_type",
      "hypervisor_version", "host_ip", "service", "cpu_info"] + list(_usage)),
    [("2.28", {"cpu_info": {"type": "object"}}, [], []),
     ("2.53", {"id": c.string, "service": c.obj({
         "host": c.string, "id": c.string,
         "disabled_reason": c.nullable_string})}, [], []),
     # 2.88: no usage figures, no cpu_info; show and detail have the
     # uptime.
     ("2.88", dict({name: None for name in _usage}, cpu_info=None,
                   uptime=c.nullable_string), [], [])])
_stats = c.obj({name: c.integer for name in ["count"] + list(_usage)})
_uptime = c.obj({"id": c.integer, "hypervisor_hostname": c.string,
                 "state": {"enum": ["up", "down"]},
                 "status": {"enum": ["enabled", "disabled"]},
                 "uptime": c.string})
_uptime_v253 = dict(_uptime, properties=dict(_uptime["properties"],
                                             id=c.string))


def _many(schema):
    return c.wrap("hypervisors", c.array_of(schema),
                  {"hypervisors_links": c.collection_links})


_ROUTE = "/v2.1/os-hypervisors"

RESPONSES = {
    ("GET", _ROUTE): c.entries(200, _summary, _many),
    ("GET", _ROUTE + "/detail"): c.entries(200, _detail, _many),
    ("GET", _ROUTE + "/statistics"): c.one(
        200, c.wrap("hypervisor_statistics", _stats), high="2.87"),
    ("GET", _ROUTE + "/{hypervisor_id}"): c.entries(
        200, _detail, lambda s: c.wrap("hypervisor", s)),
    ("GET", _ROUTE + "/{hypervisor_id}/uptime"): (
        c.one(200, c.wrap("hypervisor", _uptime), high="2.52")
        + c.one(200, c.wrap("hypervisor", _uptime_v253), low="2.53",
                high="2.87")),
    ("GET", _ROUTE + "/{hypervisor_hostname_pattern}/search"): c.entries(
        200, [(low, high, s) for low, high, s in _summary
              if c.parse(low) < (2, 53)], _many),
    ("GET", _ROUTE + "/{hypervisor_hostname_pattern}/servers"): c.entries(
        200, [(low, high, s) for low, high, s in _summary
              if c.parse(low) < (2, 53)], _many),
}

