"""/os-baremetal-nodes, to 2.35 (Nova's api-ref "Bare Metal Nodes
(DEPRECATED)"): the shapes Nova answers where Ironic answers it; Stratus
has no Ironic and answers 501 (stratus/api/compute/baremetal_nodes.py).
Creating and deleting nodes and interfaces is an error (400) in Nova
whatever the request: those routes have no success answer, and list
their error instead."""
from stratus.api.schemas import responses
from stratus.api.schemas.responses import common as c

_HIGH = "2.35"
_ROUTE = "/v2.1/os-baremetal-nodes"
# Ironic's node properties, as Ironic holds them (numbers or strings).
_size = {"type": ["integer", "string"]}
_node = {"id": c.string, "host": {"const": "IRONIC MANAGED"},
         "task_state": c.nullable_string, "cpus": _size, "memory_mb": _size,
         "disk_gb": _size, "interfaces": c.array_of({})}
_interface = c.obj({"address": c.nullable_string})

RESPONSES = {
    ("GET", _ROUTE): c.one(200, c.wrap("nodes", c.array_of(c.obj(_node))),
                           high=_HIGH),
    ("GET", _ROUTE + "/{node_id}"): c.one(200, c.wrap("node", c.obj(dict(
        _node, instance_uuid=c.nullable_string,
        interfaces=c.array_of(_interface)))), high=_HIGH),
    # Only errors: 400 whatever the request.
    ("POST", _ROUTE): c.one(400, responses.ERROR, high=_HIGH),
    ("DELETE", _ROUTE + "/{node_id}"): c.one(400, responses.ERROR,
                                             high=_HIGH),
    ("POST", _ROUTE + "/{node_id}/action"): c.one(400, responses.ERROR,
                                                  high=_HIGH),
}
