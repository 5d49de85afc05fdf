"""The whole Compute API on one screen: URL -> {METHOD: "module:handler"}.

Handlers live in stratus/api/compute/<module>.py, one module per resource,
named <verb>_<noun>. Unknown URL: 404; known URL, wrong method: 405.
"""
from stratus.api import wsgi

ROUTES = {
    "/": {"GET": "versions:list_versions"},
    "/v2": {"GET": "versions:show_version_v2"},
    "/v2.1": {"GET": "versions:show_version"},
    "/v2.1/versions/{version_id}": {"GET": "versions:show_version_by_id"},
    "/openapi.json": {"GET": "openapi:show_openapi"},
    "/v2.1/extensions": {"GET": "extensions:list_extensions"},
    "/v2.1/extensions/{alias}": {"GET": "extensions:show_extension"},
    # Servers
    "/v2.1/servers": {"GET": "servers:list_servers", "POST": "servers:create_server"},
    "/v2.1/servers/detail": {"GET": "servers:list_servers_detail"},
    "/v2.1/servers/{server_id}": {"GET": "servers:show_server",
                                  "PUT": "servers:update_server",
                                  "DELETE": "servers:delete_server"},
    "/v2.1/servers/{server_id}/action": {"POST": "server_actions:server_action"},
    "/v2.1/servers/{server_id}/metadata": {
        "GET": "server_metadata:list_metadata",
        "POST": "server_metadata:update_metadata",
        "PUT": "server_metadata:replace_metadata"},
    "/v2.1/servers/{server_id}/metadata/{key}": {
        "GET": "server_metadata:show_metadata_item",
        "PUT": "server_metadata:put_metadata_item",
        "DELETE": "server_metadata:delete_metadata_item"},
    "/v2.1/servers/{server_id}/tags": {
        "GET": "server_tags:list_tags", "PUT": "server_tags:replace_tags",
        "DELETE": "server_tags:delete_all_tags"},
    "/v2.1/servers/{server_id}/tags/{tag}": {
        "GET": "server_tags:check_tag", "PUT": "server_tags:put_tag",
        "DELETE": "server_tags:delete_tag"},
    "/v2.1/servers/{server_id}/migrations": {
        "GET": "server_migrations:list_server_migrations"},
    "/v2.1/servers/{server_id}/migrations/{migration_id}": {
        "GET": "server_migrations:show_server_migration",
        "DELETE": "server_migrations:abort_server_migration"},
    "/v2.1/servers/{server_id}/migrations/{migration_id}/action": {
        "POST": "server_migrations:server_migration_action"},
    "/v2.1/os-migrations": {"GET": "migrations:list_migrations"},
    "/v2.1/servers/{server_id}/ips": {"GET": "ips:list_ips"},
    "/v2.1/servers/{server_id}/ips/{network}": {"GET": "ips:show_ips"},
    "/v2.1/servers/{server_id}/os-instance-actions": {
        "GET": "instance_actions:list_instance_actions"},
    "/v2.1/servers/{server_id}/os-instance-actions/{request_id}": {
        "GET": "instance_actions:show_instance_action"},
    "/v2.1/servers/{server_id}/os-interface": {
        "GET": "interfaces:list_interfaces",
        "POST": "interfaces:create_interface"},
    "/v2.1/servers/{server_id}/os-interface/{port_id}": {
        "GET": "interfaces:show_interface",
        "DELETE": "interfaces:delete_interface"},
    "/v2.1/servers/{server_id}/os-volume_attachments": {
        "GET": "volume_attachments:list_volume_attachments",
        "POST": "volume_attachments:create_volume_attachment"},
    "/v2.1/servers/{server_id}/os-volume_attachments/{volume_id}": {
        "GET": "volume_attachments:show_volume_attachment",
        "PUT": "volume_attachments:update_volume_attachment",
        "DELETE": "volume_attachments:delete_volume_attachment"},
    "/v2.1/servers/{server_id}/remote-consoles": {
        "POST": "remote_consoles:create_remote_console"},
    "/v2.1/os-console-auth-tokens/{console_token}": {
        "GET": "remote_consoles:show_console_auth_token"},
    "/v2.1/servers/{server_id}/diagnostics": {
        "GET": "server_diagnostics:show_diagnostics"},
    "/v2.1/servers/{server_id}/shares": {
        "GET": "server_shares:list_server_shares",
        "POST": "server_shares:attach_server_share"},
    "/v2.1/servers/{server_id}/shares/{share_id}": {
        "GET": "server_shares:show_server_share",
        "DELETE": "server_shares:detach_server_share"},
    "/v2.1/servers/{server_id}/os-server-password": {
        "GET": "server_password:show_server_password",
        "DELETE": "server_password:clear_server_password"},
    "/v2.1/servers/{server_id}/topology": {
        "GET": "server_topology:show_topology"},
    "/v2.1/os-server-external-events": {
        "POST": "server_external_events:create_external_events"},
    # Flavors
    "/v2.1/flavors": {"GET": "flavors:list_flavors", "POST": "flavors:create_flavor"},
    "/v2.1/flavors/detail": {"GET": "flavors:list_flavors_detail"},
    "/v2.1/flavors/{flavor_id}": {"GET": "flavors:show_flavor",
                                  "PUT": "flavors:update_flavor",
                                  "DELETE": "flavors:delete_flavor"},
    "/v2.1/flavors/{flavor_id}/action": {"POST": "flavor_access:flavor_action"},
    "/v2.1/flavors/{flavor_id}/os-flavor-access": {
        "GET": "flavor_access:list_flavor_access"},
    "/v2.1/flavors/{flavor_id}/os-extra_specs": {
        "GET": "flavor_extra_specs:list_extra_specs",
        "POST": "flavor_extra_specs:create_extra_specs"},
    "/v2.1/flavors/{flavor_id}/os-extra_specs/{key}": {
        "GET": "flavor_extra_specs:show_extra_spec",
        "PUT": "flavor_extra_specs:update_extra_spec",
        "DELETE": "flavor_extra_specs:delete_extra_spec"},
    # Keypairs
    "/v2.1/os-keypairs": {"GET": "keypairs:list_keypairs", "POST": "keypairs:create_keypair"},
    "/v2.1/os-keypairs/{keypair_name}": {"GET": "keypairs:show_keypair",
                                         "DELETE": "keypairs:delete_keypair"},
    # Images proxy (max 2.35)
    "/v2.1/images": {"GET": "images:list_images"},
    "/v2.1/images/detail": {"GET": "images:list_images_detail"},
    "/v2.1/images/{image_id}": {"GET": "images:show_image", "DELETE": "images:delete_image"},
    "/v2.1/images/{image_id}/metadata": {
        "GET": "image_metadata:list_image_metadata",
        "POST": "image_metadata:update_image_metadata",
        "PUT": "image_metadata:replace_image_metadata"},
    "/v2.1/images/{image_id}/metadata/{key}": {
        "GET": "image_metadata:show_image_metadata_item",
        "PUT": "image_metadata:put_image_metadata_item",
        "DELETE": "image_metadata:delete_image_metadata_item"},
    # Limits, quotas, availability zones
    "/v2.1/limits": {"GET": "limits:show_limits"},
    "/v2.1/os-quota-sets/{project_id}": {"GET": "quota_sets:show_quota_set",
                                         "PUT": "quota_sets:update_quota_set",
                                         "DELETE": "quota_sets:delete_quota_set"},
    "/v2.1/os-quota-sets/{project_id}/defaults": {"GET": "quota_sets:show_quota_defaults"},
    "/v2.1/os-quota-sets/{project_id}/detail": {"GET": "quota_sets:show_quota_detail"},
    "/v2.1/os-availability-zone": {"GET": "availability_zones:list_availability_zones"},
    "/v2.1/os-availability-zone/detail": {"GET": "availability_zones:list_availability_zones_detail"},
    # Server groups
    "/v2.1/os-server-groups": {"GET": "server_groups:list_server_groups",
                               "POST": "server_groups:create_server_group"},
    "/v2.1/os-server-groups/{server_group_id}": {
        "GET": "server_groups:show_server_group",
        "DELETE": "server_groups:delete_server_group"},
    # Services and hypervisors
    "/v2.1/os-services": {"GET": "services:list_services"},
    "/v2.1/os-services/{service_id}": {"PUT": "services:update_service",
                                       "DELETE": "services:delete_service"},
    "/v2.1/os-aggregates": {"GET": "aggregates:list_aggregates",
                            "POST": "aggregates:create_aggregate"},
    "/v2.1/os-aggregates/{aggregate_id}": {
        "GET": "aggregates:show_aggregate",
        "PUT": "aggregates:update_aggregate",
        "DELETE": "aggregates:delete_aggregate"},
    "/v2.1/os-aggregates/{aggregate_id}/action": {
        "POST": "aggregates:aggregate_action"},
    "/v2.1/os-aggregates/{aggregate_id}/images": {
        "POST": "aggregates:cache_images"},
    "/v2.1/os-hypervisors": {"GET": "hypervisors:list_hypervisors"},
    "/v2.1/os-hypervisors/detail": {"GET": "hypervisors:list_hypervisors_detail"},
    "/v2.1/os-hypervisors/statistics": {"GET": "hypervisors:show_statistics"},
    "/v2.1/os-hypervisors/{hypervisor_id}": {"GET": "hypervisors:show_hypervisor"},
    "/v2.1/os-hypervisors/{hypervisor_id}/uptime": {"GET": "hypervisors:show_uptime"},
    "/v2.1/os-hypervisors/{hypervisor_hostname_pattern}/search": {"GET": "hypervisors:search_hypervisors"},
    "/v2.1/os-hypervisors/{hypervisor_hostname_pattern}/servers": {"GET": "hypervisors:list_hypervisor_servers"},
    # Usage, usage audit, quota classes, hosts (deprecated, max 2.42)
    "/v2.1/os-simple-tenant-usage": {
        "GET": "simple_tenant_usage:list_tenant_usages"},
    "/v2.1/os-simple-tenant-usage/{tenant_id}": {
        "GET": "simple_tenant_usage:show_tenant_usage"},
    "/v2.1/os-instance_usage_audit_log": {
        "GET": "instance_usage_audit_log:list_audit_logs"},
    "/v2.1/os-instance_usage_audit_log/{before_timestamp}": {
        "GET": "instance_usage_audit_log:show_audit_log"},
    "/v2.1/os-quota-class-sets/{id}": {
        "GET": "quota_class_sets:show_quota_class_set",
        "PUT": "quota_class_sets:update_quota_class_set"},
    # Nova's proxy to the bare metal service (deprecated, max 2.35)
    "/v2.1/os-baremetal-nodes": {
        "GET": "baremetal_nodes:list_baremetal_nodes",
        "POST": "baremetal_nodes:create_baremetal_node"},
    "/v2.1/os-baremetal-nodes/{node_id}": {
        "GET": "baremetal_nodes:show_baremetal_node",
        "DELETE": "baremetal_nodes:delete_baremetal_node"},
    "/v2.1/os-baremetal-nodes/{node_id}/action": {
        "POST": "baremetal_nodes:baremetal_node_action"},
    "/v2.1/os-hosts": {"GET": "hosts:list_hosts"},
    "/v2.1/os-hosts/{host_name}": {"GET": "hosts:show_host",
                                   "PUT": "hosts:update_host"},
    "/v2.1/os-hosts/{host_name}/reboot": {"GET": "hosts:reboot_host"},
    "/v2.1/os-hosts/{host_name}/shutdown": {"GET": "hosts:shutdown_host"},
    "/v2.1/os-hosts/{host_name}/startup": {"GET": "hosts:startup_host"},
    # Proxies to the network service (up to 2.35); their writes are in
    # REMOVED.
    "/v2.1/os-networks": {"GET": "networks:list_networks"},
    "/v2.1/os-networks/{network_id}": {"GET": "networks:show_network"},
    "/v2.1/os-tenant-networks": {
        "GET": "tenant_networks:list_tenant_networks"},
    "/v2.1/os-tenant-networks/{network_id}": {
        "GET": "tenant_networks:show_tenant_network"},
    "/v2.1/os-floating-ip-pools": {
        "GET": "floating_ip_pools:list_floating_ip_pools"},
    "/v2.1/os-floating-ips": {
        "GET": "floating_ips:list_floating_ips",
        "POST": "floating_ips:create_floating_ip"},
    "/v2.1/os-floating-ips/{floating_ip_id}": {
        "GET": "floating_ips:show_floating_ip",
        "DELETE": "floating_ips:delete_floating_ip"},
    "/v2.1/os-security-groups": {
        "GET": "security_groups:list_security_groups",
        "POST": "security_groups:create_security_group"},
    "/v2.1/os-security-groups/{security_group_id}": {
        "GET": "security_groups:show_security_group",
        "PUT": "security_groups:update_security_group",
        "DELETE": "security_groups:delete_security_group"},
    "/v2.1/os-security-group-rules": {
        "POST": "security_groups:create_security_group_rule"},
    "/v2.1/os-security-group-rules/{rule_id}": {
        "DELETE": "security_groups:delete_security_group_rule"},
    "/v2.1/servers/{server_id}/os-security-groups": {
        "GET": "security_groups:list_server_security_groups"},
    # Proxies to the block storage service (up to 2.35)
    "/v2.1/os-volumes": {"GET": "volumes:list_volumes",
                         "POST": "volumes:create_volume"},
    "/v2.1/os-volumes/detail": {"GET": "volumes:list_volumes_detail"},
    "/v2.1/os-volumes/{volume_id}": {"GET": "volumes:show_volume",
                                     "DELETE": "volumes:delete_volume"},
    "/v2.1/os-snapshots": {"GET": "snapshots:list_snapshots",
                           "POST": "snapshots:create_snapshot"},
    "/v2.1/os-snapshots/detail": {"GET": "snapshots:list_snapshots_detail"},
    "/v2.1/os-snapshots/{snapshot_id}": {
        "GET": "snapshots:show_snapshot",
        "DELETE": "snapshots:delete_snapshot"},
    "/v2.1/os-assisted-volume-snapshots": {
        "POST": "assisted_volume_snapshots:create_assisted_volume_snapshot"},
    "/v2.1/os-assisted-volume-snapshots/{snapshot_id}": {
        "DELETE":
            "assisted_volume_snapshots:delete_assisted_volume_snapshot"},
    # Nova's alias of /servers, removed at 2.103
    "/v2.1/os-volumes_boot": {
        "GET": "volumes_boot:list_volumes_boot",
        "POST": "volumes_boot:create_volumes_boot"},
    "/v2.1/os-volumes_boot/detail": {
        "GET": "volumes_boot:list_volumes_boot_detail"},
    "/v2.1/os-volumes_boot/{server_id}": {
        "GET": "volumes_boot:show_volumes_boot",
        "PUT": "volumes_boot:update_volumes_boot",
        "DELETE": "volumes_boot:delete_volumes_boot"},
    "/v2.1/os-volumes_boot/{server_id}/action": {
        "POST": "volumes_boot:volumes_boot_action"},
}

# Reachable without a token, as in Nova; the OpenAPI document is public
# like the version documents (docs/openapi.md).
UNAUTHENTICATED = {"/", "/v2", "/v2.1", "/openapi.json"}
# Outside microversions: no version negotiated, no version headers.
UNVERSIONED = {"/", "/v2"}

# The APIs Nova removed (nova-network, cells v1, XenAPI agents, cloudpipe,
# certificates, nova-console): 410 Gone for the methods Nova answers so,
# 404 for any other method. Nova's read-only proxies to Neutron (listing
# networks, security groups, floating IPs) are not here: they are APIs of
# their own, not removed ones (a path may have both: GET /os-networks is
# served, POST is gone).
_GONE = "removed:gone"
REMOVED = {
    "/v2.1/os-agents": {"GET": _GONE, "POST": _GONE},
    "/v2.1/os-agents/{agent_id}": {"PUT": _GONE, "DELETE": _GONE},
    "/v2.1/os-cells": {"GET": _GONE, "POST": _GONE},
    "/v2.1/os-cells/capacities": {"GET": _GONE},
    "/v2.1/os-cells/detail": {"GET": _GONE},
    "/v2.1/os-cells/info": {"GET": _GONE},
    "/v2.1/os-cells/sync_instances": {"POST": _GONE},
    "/v2.1/os-cells/{cell_id}": {"GET": _GONE, "PUT": _GONE,
                                 "DELETE": _GONE},
    "/v2.1/os-cells/{cell_id}/capacities": {"GET": _GONE},
    "/v2.1/os-certificates": {"POST": _GONE},
    "/v2.1/os-certificates/{certificate_id}": {"GET": _GONE},
    "/v2.1/os-cloudpipe": {"GET": _GONE, "POST": _GONE},
    "/v2.1/os-cloudpipe/configure-project": {"PUT": _GONE},
    "/v2.1/os-fixed-ips/{fixed_ip}": {"GET": _GONE},
    "/v2.1/os-fixed-ips/{fixed_ip}/action": {"POST": _GONE},
    "/v2.1/os-floating-ip-dns": {"GET": _GONE},
    "/v2.1/os-floating-ip-dns/{domain}": {"PUT": _GONE, "DELETE": _GONE},
    "/v2.1/os-floating-ip-dns/{domain}/entries/{entry}": {
        "GET": _GONE, "PUT": _GONE, "DELETE": _GONE},
    "/v2.1/os-floating-ips-bulk": {"GET": _GONE, "POST": _GONE},
    "/v2.1/os-floating-ips-bulk/{host}": {"GET": _GONE, "PUT": _GONE},
    "/v2.1/os-fping": {"GET": _GONE},
    "/v2.1/os-fping/{server_id}": {"GET": _GONE},
    # Gone after Nova's body checks (a malformed body is a 400).
    "/v2.1/os-networks": {"POST": "networks:create_network"},
    "/v2.1/os-networks/add": {"POST": "networks:add_network"},
    "/v2.1/os-networks/{network_id}": {"DELETE": "networks:delete_network"},
    "/v2.1/os-networks/{network_id}/action": {
        "POST": "networks:network_action"},
    "/v2.1/os-security-group-default-rules": {"GET": _GONE, "POST": _GONE},
    "/v2.1/os-security-group-default-rules/{rule_id}": {"GET": _GONE,
                                                        "DELETE": _GONE},
    "/v2.1/os-tenant-networks": {
        "POST": "tenant_networks:create_tenant_network"},
    "/v2.1/os-tenant-networks/{network_id}": {
        "DELETE": "tenant_networks:delete_tenant_network"},
    "/v2.1/servers/{server_id}/consoles": {"GET": _GONE, "POST": _GONE},
    "/v2.1/servers/{server_id}/consoles/{console_id}": {"GET": _GONE,
                                                        "DELETE": _GONE},
    "/v2.1/servers/{server_id}/os-virtual-interfaces": {"GET": _GONE},
}


def answered():
    """ROUTES and REMOVED as one table: every method of every path. The
    router takes the first template that matches: those with fewer
    parameters come first (/os-networks/add before
    /os-networks/{network_id})."""
    paths = sorted({**ROUTES, **REMOVED}, key=lambda path: path.count("{"))
    return {path: dict(ROUTES.get(path, {}), **REMOVED.get(path, {}))
            for path in paths}


def resolve(routes=None, package="stratus.api.compute"):
    """The handlers of ROUTES and REMOVED (or of the routes given)."""
    if routes is None:
        routes = answered()
    return wsgi.resolve_routes(routes, package)
