"""/v2.0/floatingips: floating IPs of the router extension, with
port_details (fip-port-details). ``port_id`` (with ``fixed_ip_address``)
associates one with a fixed address, on create or update; ``port_id``
null disassociates it. Only an administrator chooses the address."""
from stratus.api.network import resource
from stratus.api.network import routers
from stratus.api.network.resource import Attribute

_NULLABLE_UUID = {"anyOf": [resource.UUID, {"type": "null"}]}


def _address(name):
    def convert(value):
        return routers.ip_address(value, name)
    return convert


FLOATINGIP = resource.Resource("floatingip", "floatingips", [
    Attribute("floating_network_id", post=True, default=resource.REQUIRED,
              schema=resource.UUID),
    Attribute("floating_ip_address", post=True, policy=True,
              convert=_address("floating_ip_address"),
              schema={"type": ["string", "null"]}),
    Attribute("subnet_id", post=True, schema=_NULLABLE_UUID, filter=False,
              sort=False),
    Attribute("port_id", post=True, put=True, schema=_NULLABLE_UUID),
    Attribute("fixed_ip_address", post=True, put=True,
              convert=_address("fixed_ip_address"),
              schema={"type": ["string", "null"]}),
    Attribute("router_id"),
    Attribute("status"),
    Attribute("port_details", filter=False, sort=False),
], quota="floatingip")

(list_floatingips, create_floatingip, show_floatingip, update_floatingip,
 delete_floatingip) = FLOATINGIP.handlers()
