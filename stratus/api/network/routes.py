"""The built-in network service (Neutron v2.0 API) on one screen:
URL -> {METHOD: handler}, and the store behind each collection.

The path parameter of a resource is ``<singular>_id`` (the generic
handlers of resource.py read it). HEAD is served by the GET handler.
"""
ROUTES = {
    "/": {"GET": "versions:list_versions"},
    "/v2.0": {"GET": "versions:list_resources"},
    "/v2.0/extensions": {"GET": "extensions:list_extensions"},
    "/v2.0/extensions/{alias}": {"GET": "extensions:show_extension"},
    "/v2.0/networks": {"GET": "networks:list_networks",
                       "POST": "networks:create_network"},
    "/v2.0/networks/{network_id}": {"GET": "networks:show_network",
                            "PUT": "networks:update_network",
                            "DELETE": "networks:delete_network"},
    "/v2.0/security-groups": {
        "GET": "security_groups:list_security_groups",
        "POST": "security_groups:create_security_group"},
    "/v2.0/security-groups/{security_group_id}": {
        "GET": "security_groups:show_security_group",
        "PUT": "security_groups:update_security_group",
        "DELETE": "security_groups:delete_security_group"},
    "/v2.0/security-group-rules": {
        "GET": "security_group_rules:list_security_group_rules",
        "POST": "security_group_rules:create_security_group_rule"},
    "/v2.0/security-group-rules/{security_group_rule_id}": {
        "GET": "security_group_rules:show_security_group_rule",
        "DELETE": "security_group_rules:delete_security_group_rule"},
    "/v2.0/quotas": {"GET": "quotas:list_quotas"},
    "/v2.0/quotas/{project_id}": {"GET": "quotas:show_quota",
                                  "PUT": "quotas:update_quota",
                                  "DELETE": "quotas:delete_quota"},
    "/v2.0/quotas/{project_id}/default": {
        "GET": "quotas:show_default_quota"},
    "/v2.0/quotas/{project_id}/details": {
        "GET": "quotas:show_quota_details"},
    "/v2.0/subnets": {"GET": "subnets:list_subnets",
                      "POST": "subnets:create_subnet"},
    "/v2.0/subnets/{subnet_id}": {"GET": "subnets:show_subnet",
                                  "PUT": "subnets:update_subnet",
                                  "DELETE": "subnets:delete_subnet"},
    "/v2.0/ports": {"GET": "ports:list_ports", "POST": "ports:create_port"},
    "/v2.0/ports/{port_id}": {"GET": "ports:show_port",
                              "PUT": "ports:update_port",
                              "DELETE": "ports:delete_port"},
    "/v2.0/ports/{port_id}/bindings": {
        "GET": "port_bindings:list_port_bindings",
        "POST": "port_bindings:create_port_binding"},
    "/v2.0/ports/{port_id}/bindings/{host}": {
        "GET": "port_bindings:show_port_binding",
        "DELETE": "port_bindings:delete_port_binding"},
    "/v2.0/ports/{port_id}/bindings/{host}/activate": {
        "PUT": "port_bindings:activate_port_binding"},
    "/v2.0/routers": {"GET": "routers:list_routers",
                      "POST": "routers:create_router"},
    "/v2.0/routers/{router_id}": {"GET": "routers:show_router",
                                  "PUT": "routers:update_router",
                                  "DELETE": "routers:delete_router"},
    "/v2.0/routers/{router_id}/add_router_interface": {
        "PUT": "routers:add_router_interface"},
    "/v2.0/routers/{router_id}/remove_router_interface": {
        "PUT": "routers:remove_router_interface"},
    "/v2.0/floatingips": {"GET": "floatingips:list_floatingips",
                          "POST": "floatingips:create_floatingip"},
    "/v2.0/floatingips/{floatingip_id}": {
        "GET": "floatingips:show_floatingip",
        "PUT": "floatingips:update_floatingip",
        "DELETE": "floatingips:delete_floatingip"},
    "/v2.0/network-ip-availabilities": {
        "GET": "ip_availability:list_network_ip_availabilities"},
    "/v2.0/network-ip-availabilities/{network_id}": {
        "GET": "ip_availability:show_network_ip_availability"},
    "/v2.0/auto-allocated-topology/{project_id}": {
        "GET": "auto_allocate:show_auto_allocated_topology",
        "DELETE": "auto_allocate:delete_auto_allocated_topology"},
}

# Routes served without authentication.
PUBLIC = {"/"}

# collection -> "module:StoreClass" under stratus.network.store.
STORES = {
    "networks": "networks:NetworkStore",
    "security_groups": "security_groups:SecurityGroupStore",
    "security_group_rules": "security_groups:SecurityGroupRuleStore",
    "subnets": "subnets:SubnetStore",
    "ports": "ports:PortStore",
    "routers": "routers:RouterStore",
    "floatingips": "floatingips:FloatingIPStore",
}


def stores():
    import importlib
    for collection, target in STORES.items():
        module_name, class_name = target.split(":")
        module = importlib.import_module("stratus.network.store."
                                         + module_name)
        yield collection, getattr(module, class_name)
