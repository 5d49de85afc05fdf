"""Nova 34's Compute API as data: every route (path, methods) and every
action, with what Stratus does with it. docs/nova-api-coverage.md is
generated from this and the route table (tools/nova_routes_docs.py); a
test keeps both in step with ROUTES and REMOVED.

Statuses: served (in ROUTES), removed (410 Gone, in REMOVED),
network (a proxy to the network service: issue 13), volume (a proxy to
the block storage service: issue 14), missing (a native Compute API not
served yet). Nova's proxies to Ironic (os-baremetal-nodes, to 2.35) and
to Manila (servers/{id}/shares, from 2.97) are served, answering as Nova
does without those services (issue 12).
The status of a route is worked out from the route table; only what the
table cannot tell (the proxies) is written here.
"""
# Nova's path templates, spelt with Stratus's parameter names where
# Stratus serves the route (the name of a parameter is no part of the API).
NOVA_ROUTES = {
    "/": ("GET",),
    "/v2": ("GET",),
    "/v2.1": ("GET",),
    # the version document again, whatever the id
    "/v2.1/versions/{version_id}": ("GET",),
    "/v2.1/extensions": ("GET",),
    "/v2.1/extensions/{alias}": ("GET",),
    "/v2.1/flavors": ("GET", "POST"),
    "/v2.1/flavors/detail": ("GET",),
    "/v2.1/flavors/{flavor_id}": ("GET", "PUT", "DELETE"),
    "/v2.1/flavors/{flavor_id}/action": ("POST",),
    "/v2.1/flavors/{flavor_id}/os-extra_specs": ("GET", "POST"),
    "/v2.1/flavors/{flavor_id}/os-extra_specs/{key}": ("GET", "PUT",
                                                       "DELETE"),
    "/v2.1/flavors/{flavor_id}/os-flavor-access": ("GET",),
    "/v2.1/images": ("GET",),
    "/v2.1/images/detail": ("GET",),
    "/v2.1/images/{image_id}": ("GET", "DELETE"),
    "/v2.1/images/{image_id}/metadata": ("GET", "POST", "PUT"),
    "/v2.1/images/{image_id}/metadata/{key}": ("GET", "PUT", "DELETE"),
    "/v2.1/limits": ("GET",),
    "/v2.1/os-agents": ("GET", "POST"),
    "/v2.1/os-agents/{agent_id}": ("PUT", "DELETE"),
    "/v2.1/os-aggregates": ("GET", "POST"),
    "/v2.1/os-aggregates/{aggregate_id}": ("GET", "PUT", "DELETE"),
    "/v2.1/os-aggregates/{aggregate_id}/action": ("POST",),
    "/v2.1/os-aggregates/{aggregate_id}/images": ("POST",),
    "/v2.1/os-assisted-volume-snapshots": ("POST",),
    "/v2.1/os-assisted-volume-snapshots/{snapshot_id}": ("DELETE",),
    "/v2.1/os-availability-zone": ("GET",),
    "/v2.1/os-availability-zone/detail": ("GET",),
    "/v2.1/os-baremetal-nodes": ("GET", "POST"),
    "/v2.1/os-baremetal-nodes/{node_id}": ("GET", "DELETE"),
    "/v2.1/os-baremetal-nodes/{node_id}/action": ("POST",),
    "/v2.1/os-cells": ("GET", "POST"),
    "/v2.1/os-cells/capacities": ("GET",),
    "/v2.1/os-cells/detail": ("GET",),
    "/v2.1/os-cells/info": ("GET",),
    "/v2.1/os-cells/sync_instances": ("POST",),
    "/v2.1/os-cells/{cell_id}": ("GET", "PUT", "DELETE"),
    "/v2.1/os-cells/{cell_id}/capacities": ("GET",),
    "/v2.1/os-certificates": ("POST",),
    "/v2.1/os-certificates/{certificate_id}": ("GET",),
    "/v2.1/os-cloudpipe": ("GET", "POST"),
    "/v2.1/os-cloudpipe/configure-project": ("PUT",),
    "/v2.1/os-console-auth-tokens/{console_token}": ("GET",),
    "/v2.1/os-fixed-ips/{fixed_ip}": ("GET",),
    "/v2.1/os-fixed-ips/{fixed_ip}/action": ("POST",),
    "/v2.1/os-floating-ip-dns": ("GET",),
    "/v2.1/os-floating-ip-dns/{domain}": ("PUT", "DELETE"),
    "/v2.1/os-floating-ip-dns/{domain}/entries/{entry}": ("GET", "PUT",
                                                          "DELETE"),
    "/v2.1/os-floating-ip-pools": ("GET",),
    "/v2.1/os-floating-ips": ("GET", "POST"),
    "/v2.1/os-floating-ips/{floating_ip_id}": ("GET", "DELETE"),
    "/v2.1/os-floating-ips-bulk": ("GET", "POST"),
    "/v2.1/os-floating-ips-bulk/{host}": ("GET", "PUT"),
    "/v2.1/os-fping": ("GET",),
    "/v2.1/os-fping/{server_id}": ("GET",),
    "/v2.1/os-hosts": ("GET",),
    "/v2.1/os-hosts/{host_name}": ("GET", "PUT"),
    "/v2.1/os-hosts/{host_name}/reboot": ("GET",),
    "/v2.1/os-hosts/{host_name}/shutdown": ("GET",),
    "/v2.1/os-hosts/{host_name}/startup": ("GET",),
    "/v2.1/os-hypervisors": ("GET",),
    "/v2.1/os-hypervisors/detail": ("GET",),
    "/v2.1/os-hypervisors/statistics": ("GET",),
    "/v2.1/os-hypervisors/{hypervisor_id}": ("GET",),
    "/v2.1/os-hypervisors/{hypervisor_id}/uptime": ("GET",),
    "/v2.1/os-hypervisors/{hypervisor_hostname_pattern}/search": ("GET",),
    "/v2.1/os-hypervisors/{hypervisor_hostname_pattern}/servers": ("GET",),
    "/v2.1/os-instance_usage_audit_log": ("GET",),
    "/v2.1/os-instance_usage_audit_log/{before_timestamp}": ("GET",),
    "/v2.1/os-keypairs": ("GET", "POST"),
    "/v2.1/os-keypairs/{keypair_name}": ("GET", "DELETE"),
    "/v2.1/os-migrations": ("GET",),
    "/v2.1/os-networks": ("GET", "POST"),
    "/v2.1/os-networks/add": ("POST",),
    "/v2.1/os-networks/{network_id}": ("GET", "DELETE"),
    "/v2.1/os-networks/{network_id}/action": ("POST",),
    "/v2.1/os-quota-class-sets/{id}": ("GET", "PUT"),
    "/v2.1/os-quota-sets/{project_id}": ("GET", "PUT", "DELETE"),
    "/v2.1/os-quota-sets/{project_id}/defaults": ("GET",),
    "/v2.1/os-quota-sets/{project_id}/detail": ("GET",),
    "/v2.1/os-security-group-default-rules": ("GET", "POST"),
    "/v2.1/os-security-group-default-rules/{rule_id}": ("GET", "DELETE"),
    "/v2.1/os-security-group-rules": ("POST",),
    "/v2.1/os-security-group-rules/{rule_id}": ("DELETE",),
    "/v2.1/os-security-groups": ("GET", "POST"),
    "/v2.1/os-security-groups/{security_group_id}": ("GET", "PUT", "DELETE"),
    "/v2.1/os-server-external-events": ("POST",),
    "/v2.1/os-server-groups": ("GET", "POST"),
    "/v2.1/os-server-groups/{server_group_id}": ("GET", "DELETE"),
    "/v2.1/os-services": ("GET",),
    "/v2.1/os-services/{service_id}": ("PUT", "DELETE"),
    "/v2.1/os-simple-tenant-usage": ("GET",),
    "/v2.1/os-simple-tenant-usage/{tenant_id}": ("GET",),
    "/v2.1/os-snapshots": ("GET", "POST"),
    "/v2.1/os-snapshots/detail": ("GET",),
    "/v2.1/os-snapshots/{snapshot_id}": ("GET", "DELETE"),
    "/v2.1/os-tenant-networks": ("GET", "POST"),
    "/v2.1/os-tenant-networks/{network_id}": ("GET", "DELETE"),
    "/v2.1/os-volumes": ("GET", "POST"),
    "/v2.1/os-volumes/detail": ("GET",),
    "/v2.1/os-volumes/{volume_id}": ("GET", "DELETE"),
    "/v2.1/os-volumes_boot": ("GET", "POST"),
    "/v2.1/os-volumes_boot/detail": ("GET",),
    "/v2.1/os-volumes_boot/{server_id}": ("GET", "PUT", "DELETE"),
    "/v2.1/os-volumes_boot/{server_id}/action": ("POST",),
    "/v2.1/servers": ("GET", "POST"),
    "/v2.1/servers/detail": ("GET",),
    "/v2.1/servers/{server_id}": ("GET", "PUT", "DELETE"),
    "/v2.1/servers/{server_id}/action": ("POST",),
    "/v2.1/servers/{server_id}/consoles": ("GET", "POST"),
    "/v2.1/servers/{server_id}/consoles/{console_id}": ("GET", "DELETE"),
    "/v2.1/servers/{server_id}/diagnostics": ("GET",),
    "/v2.1/servers/{server_id}/ips": ("GET",),
    "/v2.1/servers/{server_id}/ips/{network}": ("GET",),
    "/v2.1/servers/{server_id}/metadata": ("GET", "POST", "PUT"),
    "/v2.1/servers/{server_id}/metadata/{key}": ("GET", "PUT", "DELETE"),
    "/v2.1/servers/{server_id}/migrations": ("GET",),
    "/v2.1/servers/{server_id}/migrations/{migration_id}": ("GET",
                                                            "DELETE"),
    "/v2.1/servers/{server_id}/migrations/{migration_id}/action": ("POST",),
    "/v2.1/servers/{server_id}/os-instance-actions": ("GET",),
    "/v2.1/servers/{server_id}/os-instance-actions/{request_id}": ("GET",),
    "/v2.1/servers/{server_id}/os-security-groups": ("GET",),
    "/v2.1/servers/{server_id}/os-interface": ("GET", "POST"),
    "/v2.1/servers/{server_id}/os-interface/{port_id}": ("GET", "DELETE"),
    "/v2.1/servers/{server_id}/os-server-password": ("GET", "DELETE"),
    "/v2.1/servers/{server_id}/os-virtual-interfaces": ("GET",),
    "/v2.1/servers/{server_id}/os-volume_attachments": ("GET", "POST"),
    "/v2.1/servers/{server_id}/os-volume_attachments/{volume_id}": (
        "GET", "PUT", "DELETE"),
    "/v2.1/servers/{server_id}/remote-consoles": ("POST",),
    "/v2.1/servers/{server_id}/shares": ("GET", "POST"),
    "/v2.1/servers/{server_id}/shares/{share_id}": ("GET", "DELETE"),
    "/v2.1/servers/{server_id}/tags": ("GET", "PUT", "DELETE"),
    "/v2.1/servers/{server_id}/tags/{tag}": ("GET", "PUT", "DELETE"),
    "/v2.1/servers/{server_id}/topology": ("GET",),
}

# Routes Nova answers by asking the network or the volume service; Stratus
# serves them once that service exists (issues 13 and 14).
PROXIES = {
    "network": [],
    "volume": ["/v2.1/os-assisted-volume-snapshots",
               "/v2.1/os-assisted-volume-snapshots/{snapshot_id}",
               "/v2.1/os-snapshots", "/v2.1/os-snapshots/detail",
               "/v2.1/os-snapshots/{snapshot_id}", "/v2.1/os-volumes",
               "/v2.1/os-volumes/detail", "/v2.1/os-volumes/{volume_id}",
               "/v2.1/os-volumes_boot", "/v2.1/os-volumes_boot/detail",
               "/v2.1/os-volumes_boot/{server_id}",
               "/v2.1/os-volumes_boot/{server_id}/action"],
}

# Routes of Stratus's own, not Nova's.
STRATUS_ONLY = {"/openapi.json"}

# Nova's actions: {action route: {action name: proxy or None}}.
_SERVER_ACTIONS = (
    "changePassword", "confirmResize", "createBackup", "createImage",
    "evacuate", "forceDelete", "injectNetworkInfo", "lock", "unlock",
    "migrate", "os-migrateLive", "os-getConsoleOutput", "os-getVNCConsole",
    "os-getSPICEConsole", "os-getRDPConsole", "os-getSerialConsole",
    "os-resetState", "os-start", "os-stop", "pause", "unpause", "reboot",
    "rebuild", "rescue", "unrescue", "resetNetwork", "resize",
    "revertResize", "restore", "resume", "suspend", "shelve",
    "shelveOffload", "unshelve", "trigger_crash_dump")
NOVA_ACTIONS = {
    "/v2.1/servers/{server_id}/action": dict(
        dict.fromkeys(_SERVER_ACTIONS),
        addFixedIp="network", removeFixedIp="network",
        addFloatingIp="network", removeFloatingIp="network",
        addSecurityGroup="network", removeSecurityGroup="network"),
    "/v2.1/flavors/{flavor_id}/action": dict.fromkeys(
        ("addTenantAccess", "removeTenantAccess")),
    "/v2.1/os-aggregates/{aggregate_id}/action": dict.fromkeys(
        ("add_host", "remove_host", "set_metadata")),
    "/v2.1/servers/{server_id}/migrations/{migration_id}/action":
        dict.fromkeys(("force_complete",)),
    "/v2.1/os-networks/{network_id}/action": dict.fromkeys(
        ("disassociate_host", "disassociate_project", "associate_host",
         "disassociate")),
    "/v2.1/os-fixed-ips/{fixed_ip}/action": dict.fromkeys(
        ("reserve", "unreserve")),
    "/v2.1/os-baremetal-nodes/{node_id}/action": dict.fromkeys(
        ("add_interface", "remove_interface")),
}
# Server actions Nova removed (410 Gone).
REMOVED_ACTIONS = {"resetNetwork"}
# The modules whose ACTIONS table serves each action route.
_ACTION_MODULES = {
    "/v2.1/servers/{server_id}/action": "server_actions",
    "/v2.1/flavors/{flavor_id}/action": "flavor_access",
    "/v2.1/os-aggregates/{aggregate_id}/action": "aggregates",
    "/v2.1/os-baremetal-nodes/{node_id}/action": "baremetal_nodes",
}
_SINGLE_ACTION = {
    "/v2.1/servers/{server_id}/migrations/{migration_id}/action":
        "force_complete"}


def route_status(path, method):
    from stratus.api.compute import routes
    if method in routes.ROUTES.get(path, {}):
        return "served"
    if method in routes.REMOVED.get(path, {}):
        return "removed"
    for proxy, paths in PROXIES.items():
        if path in paths:
            return proxy
    return "missing"


def served_actions(route):
    """The action names Stratus serves on an action route."""
    import importlib
    from stratus.api.compute import routes
    if route not in routes.ROUTES:
        return set()
    if route in _SINGLE_ACTION:
        return {_SINGLE_ACTION[route]}
    module = importlib.import_module("stratus.api.compute.%s"
                                     % _ACTION_MODULES[route])
    return set(module.ACTIONS)


def action_status(route, name):
    """A removed action is answered (410) but not served."""
    from stratus.api.compute import routes
    if name in REMOVED_ACTIONS or "POST" in routes.REMOVED.get(route, {}):
        return "removed"
    if name in served_actions(route):
        return "served"
    return NOVA_ACTIONS[route][name] or "missing"


def table():
    """[(path, method, status)] and [(route, action, status)]."""
    route_rows = [(path, method, route_status(path, method))
                  for path, methods in NOVA_ROUTES.items()
                  for method in methods]
    action_rows = [(route, name, action_status(route, name))
                   for route, names in NOVA_ACTIONS.items()
                   for name in sorted(names)]
    return route_rows, action_rows
