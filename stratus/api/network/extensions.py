"""GET /v2.0/extensions[/{alias}]: the Neutron API extensions this
service implements, so that clients (Nova among them) that look for an
alias before they use a feature find exactly what works."""
from stratus.api import wsgi
from stratus.network import exception as net_exception

_UPDATED = "2024-01-01T00:00:00-00:00"

# alias -> (name, description)
EXTENSIONS = {
    "external-net": ("Neutron external network",
                     "Adds external network attribute to network resource."),
    "provider": ("Provider Network", "Expose mapping of virtual networks "
                 "to physical networks"),
    "net-mtu": ("Network MTU", "Provides MTU attribute for a network "
                "resource."),
    "net-mtu-writable": ("Network MTU (writable)", "Provides a writable "
                         "MTU attribute for a network resource."),
    "port-security": ("Port Security", "Provides port security"),
    "project-id": ("project_id field enabled", "Extension that indicates "
                   "that project_id field is enabled."),
    "quotas": ("Quota management support", "Expose functions for quotas "
               "management per project"),
    "standard-attr-description": ("standard-attr-description", "Extension "
                                  "to add descriptions to standard "
                                  "attributes"),
    "standard-attr-revisions": ("Resource revision numbers", "This "
                                "extension will display the revision "
                                "number of neutron resources."),
    "standard-attr-timestamp": ("Resource timestamps", "Adds created_at "
                                "and updated_at fields to all Neutron "
                                "resources that have Neutron standard "
                                "attributes."),
    "filter-validation": ("Filter parameters validation", "Provides "
                          "validation on filter parameters."),
    "sorting": ("Sorting support", "Extension that indicates that sorting "
                "is enabled."),
    "pagination": ("Pagination support", "Extension that indicates that "
                   "pagination is enabled."),
    "security-group": ("security-group", "The security groups extension."),
    "stateful-security-group": ("Stateful security group", "Indicates if "
                                "the security group is stateful or not"),
    "quota_details": ("Quota details management support", "Expose "
                      "functions for quotas usage statistics per project"),
    "binding": ("Port Binding", "Expose port bindings of a virtual port to "
                "external application"),
    "binding-extended": ("Port Bindings Extended", "Expose port bindings "
                         "of a virtual port to external application"),
    "allowed-address-pairs": ("Allowed Address Pairs", "Provides allowed "
                              "address pairs"),
    "router": ("Neutron L3 Router", "Router abstraction for basic L3 "
               "forwarding between L2 Neutron networks and access to "
               "external networks via a NAT gateway."),
    "extraroute": ("Neutron Extra Route", "Extra routes configuration for "
                   "L3 router"),
    "ext-gw-mode": ("Neutron L3 Configurable external gateway mode",
                    "Extension of the router abstraction for specifying "
                    "whether SNAT should occur on the external gateway"),
    "network-ip-availability": ("Network IP Availability", "Provides "
                                "IP availability data for each network "
                                "and subnet."),
    "fip-port-details": ("Floating IP Port Details Extension", "Add "
                         "port_details attribute to Floating IP resource"),
    "auto-allocated-topology": ("Auto Allocated Topology Services",
                                "Auto Allocated Topology Services."),
}


def _extension(alias):
    name, description = EXTENSIONS[alias]
    return {"alias": alias, "name": name, "description": description,
            "updated": _UPDATED, "links": []}


def list_extensions(req):
    return wsgi.json_response(req, {"extensions": [
        _extension(alias) for alias in sorted(EXTENSIONS)]})


def show_extension(req, alias):
    if alias not in EXTENSIONS:
        raise net_exception.ExtensionNotFound(extension_alias=alias)
    return wsgi.json_response(req, {"extension": _extension(alias)})
