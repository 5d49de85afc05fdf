"""network_info, Nova's description of a guest's ports: a list of VIF
dicts, saved as the instance's info cache and shown as its addresses."""
import ipaddress


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


def _ip(address, kind):
    return {"address": address, "type": kind,
            "version": ipaddress.ip_address(address).version, "meta": {}}


def _subnet(subnet, addresses, floating):
    """One subnet of a VIF with the port's addresses in it."""
    gateway = subnet.get("gateway_ip")
    return {
        "cidr": subnet["cidr"],
        "version": subnet["ip_version"],
        "gateway": (_ip(gateway, "gateway") if gateway else
                    {"address": None, "type": "gateway", "meta": {}}),
        "dns": [_ip(server, "dns") for server in
                subnet.get("dns_nameservers") or []],
        "routes": [{"cidr": route["destination"],
                    "gateway": _ip(route["nexthop"], "gateway"),
                    "interface": None, "meta": {}}
                   for route in subnet.get("host_routes") or []],
        "ips": [dict(_ip(address, "fixed"), floating_ips=[
            _ip(fip["floating_ip_address"], "floating")
            for fip in floating if fip.get("fixed_ip_address") == address])
            for address in addresses],
        "meta": ({"dhcp_server": gateway} if subnet.get("enable_dhcp")
                 and gateway else {}),
    }


def vif_from_port(port, network, subnets, floating_ips, default_bridge,
                  preserve_on_delete=False):
    """Nova's VIF of a network service port: its network, the subnets it
    has addresses in (subnets: {id: subnet}), their floating IPs."""
    details = port.get("binding:vif_details") or {}
    by_subnet = {}
    for fixed in port.get("fixed_ips") or []:
        by_subnet.setdefault(fixed["subnet_id"], []).append(
            fixed["ip_address"])
    vif_type = port.get("binding:vif_type") or "unbound"
    return {
        "id": port["id"],
        "address": port["mac_address"],
        "type": vif_type,
        "devname": ("tap" + port["id"])[:14],
        "ovs_interfaceid": port["id"] if vif_type == "ovs" else None,
        "vnic_type": port.get("binding:vnic_type") or "normal",
        "active": port.get("status") == "ACTIVE",
        "preserve_on_delete": preserve_on_delete,
        "profile": port.get("binding:profile") or {},
        "details": details,
        "meta": {},
        "network": {
            "id": network["id"],
            "bridge": details.get("bridge_name") or default_bridge,
            "label": network.get("name") or "",
            "meta": {"injected": False, "mtu": network.get("mtu"),
                     "tenant_id": network.get("project_id"),
                     "physical_network": network.get(
                         "provider:physical_network")},
            "subnets": [_subnet(subnets[subnet_id], addresses,
                                floating_ips)
                        for subnet_id, addresses in by_subnet.items()
                        if subnet_id in subnets],
        },
    }
