"""network_info, Nova's description of a guest's ports: a list of VIF
dicts, saved as the instance's info cache and shown as its addresses."""


def _gateway(address):
    return {"address": address, "type": "gateway", "version": 4, "meta": {}}


def bridge_vif(port_id, mac, address, network_id, bridge, label, cidr,
               gateway, project_id, routes=()):
    """One port with a fixed IPv4 address on a flat bridged network;
    routes are (cidr, gateway) pairs the guest gets by DHCP."""
    return {
        "id": port_id,
        "address": mac,
        "type": "bridge",
        "devname": ("tap" + port_id)[:14],
        "vnic_type": "normal",
        "active": True,
        "preserve_on_delete": False,
        "profile": {},
        "details": {},
        "meta": {},
        "network": {
            "id": network_id,
            "bridge": bridge,
            "label": label,
            "meta": {"injected": False, "mtu": 1500,
                     "tenant_id": project_id},
            "subnets": [{
                "cidr": cidr,
                "version": 4,
                "gateway": _gateway(gateway),
                "dns": [],
                "routes": [{"cidr": route, "gateway": _gateway(via),
                            "interface": None, "meta": {}}
                           for route, via in routes],
                "ips": [{"address": address, "type": "fixed", "version": 4,
                         "meta": {}, "floating_ips": []}],
                "meta": {"dhcp_server": gateway},
            }],
        },
    }
