"""/v2.0/ports/{port_id}/bindings: Neutron's binding-extended, that Nova
uses to live-migrate: a second (INACTIVE) binding on the destination,
activated when the guest runs there, the source's deleted after.
Administrators and the service role only."""
from stratus.api import errors
from stratus.api import wsgi
from stratus.api.network import ports
from stratus.api.network import resource
from stratus.network import dataplane
from stratus.network import exception as net_exception
from stratus.network.store import bindings

_BODY = resource.Resource("binding", "bindings", [
    resource.Attribute("host", post=True, default=resource.REQUIRED,
                       schema={"type": "string", "minLength": 1,
                               "maxLength": 255}),
    resource.Attribute("vnic_type", post=True, default="normal",
                       schema={"enum": list(bindings.VNIC_TYPES)}),
    resource.Attribute("profile", post=True, default={},
                       schema={"type": "object"}),
])


def _port(req, port_id, rule):
    """The port, if the caller sees it and rule allows."""
    port = ports.PORT.find(req, port_id)
    if not req.can(rule, ports.PORT.target(req, port)):
        raise net_exception.PolicyNotAuthorized(action=rule)
    return port


def _store(req):
    return req.app.stores["ports"].bindings


def list_port_bindings(req, port_id):
    _port(req, port_id, "get_port_binding")
    found = _store(req).list(port_id)
    for name, value in req.GET.items():
        if name not in ("host", "vif_type", "vnic_type", "status"):
            raise errors.bad_request("%s is invalid attribute for filtering"
                                     % errors.truncate(name))
        found = [item for item in found if item[name] == value]
    return wsgi.json_response(req, {"bindings": found})


def show_port_binding(req, port_id, host):
    _port(req, port_id, "get_port_binding")
    return wsgi.json_response(req, {"binding": _store(req).get(port_id,
                                                                host)})


def create_port_binding(req, port_id):
    port = _port(req, port_id, "create_port_binding")
    items, _ = _BODY._bodies(req, allow_bulk=False)
    _, values = _BODY._create_values(req, items[0])
    vif_type, vif_details = bindings.bind(
        values["host"], values["vnic_type"],
        dataplane.port_bridge(req.app.conf, port["network_id"]))
    binding = _store(req).create(port_id, values["host"],
                                 values["vnic_type"], values["profile"],
                                 vif_type, vif_details)
    return wsgi.json_response(req, {"binding": binding}, status=201)


def activate_port_binding(req, port_id, host):
    """The binding activated, bare (a member action's answer, as
    Neutron's)."""
    _port(req, port_id, "activate")
    return wsgi.json_response(req, _store(req).activate(port_id, host))


def delete_port_binding(req, port_id, host):
    _port(req, port_id, "delete_port_binding")
    _store(req).delete(port_id, host)
    return wsgi.empty_response(req)
