"""network-changed for the servers whose floating IPs change, as
Neutron's Nova notifier sends it: a floating IP created on, moved to or
taken from a server's port (``device_owner`` ``compute:*``) makes the
server's compute read its network info again, so that the server's
``addresses`` show the floating IP (openstacksdk's ``auto_ip`` waits for
that). ``before`` notes, ahead of a PUT or DELETE, the server the floating
IP was on; ``after`` sends the events once the request succeeded."""
import re

_FLOATINGIP = re.compile(r"^/v2\.0/floatingips(?:/([^/]+))?/?$")
_ENVIRON_KEY = "stratus.floatingip_servers"
COMPUTE_OWNER_PREFIX = "compute:"


def _servers(floatingip):
    """{(server uuid, port id)} of a floating IP's view."""
    details = (floatingip or {}).get("port_details") or {}
    if (details.get("device_id") and (details.get("device_owner") or "")
            .startswith(COMPUTE_OWNER_PREFIX)):
        return {(details["device_id"], floatingip["port_id"])}
    return set()


def before(app, req):
    if req.method not in ("PUT", "DELETE"):
        return
    found = _FLOATINGIP.match(req.path_info)
    if found is None or not found.group(1):
        return
    try:
        floatingip = app.stores["floatingips"].get(req.context,
                                                   found.group(1))
    except Exception:  # noqa: BLE001 - the handler answers the error
        return
    req.environ[_ENVIRON_KEY] = _servers(floatingip)


def after(app, req, response):
    if (req.method not in ("POST", "PUT", "DELETE")
            or response.status_int >= 300
            or _FLOATINGIP.match(req.path_info) is None):
        return
    servers = set(req.environ.get(_ENVIRON_KEY, ()))
    if req.method != "DELETE":
        body = response.json if response.body else {}
        for floatingip in (body.get("floatingips")
                           or [body.get("floatingip")]):
            servers |= _servers(floatingip)
    if servers:
        app.compute_notifier.send(req.context, [
            {"name": "network-changed", "server_uuid": server_uuid,
             "tag": port_id, "status": "completed"}
            for server_uuid, port_id in sorted(servers)])
