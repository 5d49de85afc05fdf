"""GET /v2.0/network-ip-availabilities[/{network_id}] (Neutron's
network-ip-availability extension, admin only by default): addresses
total and used per network and subnet, as Horizon's admin Networks panel
shows them. Filters: network_id, network_name, project_id/tenant_id,
ip_version (a network is listed with its subnets of that version)."""
from stratus.api import wsgi
from stratus.network import exception as net_exception
from stratus.network.store import ip_availability

_RULE = "get_network_ip_availability"
_FILTERS = ("network_id", "network_name", "project_id", "tenant_id",
            "ip_version")


def _allowed(req, item):
    return req.can(_RULE, {"project_id": item["project_id"],
                           "tenant_id": item["project_id"]})


def list_network_ip_availabilities(req):
    unknown = [name for name in req.GET if name not in _FILTERS
               and name != "fields"]
    if unknown:
        raise net_exception.InvalidInput(error_message=(
            "%s is an invalid filter" % unknown[0]))
    found = []
    for item in ip_availability.availabilities(req.app.databases):
        if not _allowed(req, item):
            continue
        if any(key in req.GET and str(item[key]) not in req.GET.getall(key)
               for key in ("network_id", "network_name", "project_id",
                           "tenant_id")):
            continue
        if "ip_version" in req.GET:
            versions = req.GET.getall("ip_version")
            subnets = [subnet for subnet in item["subnet_ip_availability"]
                       if str(subnet["ip_version"]) in versions]
            if not subnets:
                continue
            item = dict(item, subnet_ip_availability=subnets,
                        total_ips=sum(s["total_ips"] for s in subnets),
                        used_ips=sum(s["used_ips"] for s in subnets))
        found.append(item)
    return wsgi.json_response(req, {"network_ip_availabilities": found})


def show_network_ip_availability(req, network_id):
    found = ip_availability.availabilities(req.app.databases, [network_id])
    if not found or not _allowed(req, found[0]):
        raise net_exception.NetworkNotFound(net_id=network_id)
    return wsgi.json_response(req, {"network_ip_availability": found[0]})
