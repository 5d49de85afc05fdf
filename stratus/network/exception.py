"""Errors of the built-in network service, named as Neutron names them:
the class name is the ``type`` of Neutron's error body
(``{"NeutronError": {"type", "message", "detail"}}``), so clients that
match on it (openstacksdk, Nova's own Neutron client) see what they know.
"""
from stratus import exception


class NeutronException(exception.StratusException):
    msg_fmt = "An unknown exception occurred."
    code = 500


class BadRequest(NeutronException):
    code = 400
    msg_fmt = "Bad %(resource)s request: %(msg)s."


class InvalidInput(NeutronException):
    code = 400
    msg_fmt = "Invalid input for operation: %(error_message)s."


class NotFound(NeutronException):
    code = 404
    msg_fmt = "%(resource)s %(id)s could not be found."


class NetworkNotFound(NotFound):
    msg_fmt = "Network %(net_id)s could not be found."


class SubnetNotFound(NotFound):
    msg_fmt = "Subnet %(subnet_id)s could not be found."


class PortNotFound(NotFound):
    msg_fmt = "Port %(port_id)s could not be found."


class PortBindingNotFound(NotFound):
    msg_fmt = "Binding for port %(port_id)s for host %(host)s could not be found."


class SecurityGroupNotFound(NotFound):
    msg_fmt = "Security group %(id)s does not exist"


class SecurityGroupRuleNotFound(NotFound):
    msg_fmt = "Security group rule %(id)s does not exist"


class RouterNotFound(NotFound):
    msg_fmt = "Router %(router_id)s could not be found"


class FloatingIPNotFound(NotFound):
    msg_fmt = "Floating IP %(floatingip_id)s could not be found"


class ExtensionNotFound(NotFound):
    msg_fmt = "Extension with alias %(extension_alias)s does not exist"


class Conflict(NeutronException):
    code = 409
    msg_fmt = "%(msg)s"


class InUse(Conflict):
    msg_fmt = "The resource is in use."


class NetworkInUse(InUse):
    msg_fmt = ("Unable to complete operation on network %(net_id)s. "
               "There are one or more ports still in use on the network.")


class SubnetInUse(InUse):
    msg_fmt = ("Unable to complete operation on subnet %(subnet_id)s: "
               "%(reason)s.")


class PortInUse(InUse):
    msg_fmt = ("Unable to complete operation on port %(port_id)s for "
               "network %(net_id)s. Port already has an attached device "
               "%(device_id)s.")


class SecurityGroupInUse(InUse):
    msg_fmt = "Security Group %(id)s %(reason)s."

    def __init__(self, message=None, **kwargs):
        kwargs.setdefault("reason", "in use")
        super().__init__(message, **kwargs)


class RouterInUse(InUse):
    msg_fmt = "Router %(router_id)s %(reason)s"


class IpAddressInUse(InUse):
    msg_fmt = ("Unable to complete operation for network %(net_id)s. "
               "The IP address %(ip_address)s is in use.")


class MacAddressInUse(InUse):
    msg_fmt = ("Unable to complete operation for network %(net_id)s. "
               "The mac address %(mac)s is in use.")


class IpAddressGenerationFailure(Conflict):
    msg_fmt = "No more IP addresses available on network %(net_id)s."


class OverQuota(Conflict):
    msg_fmt = "Quota exceeded for resources: %(overs)s."


class NotAuthorized(NeutronException):
    code = 403
    msg_fmt = "Not authorized."


class PolicyNotAuthorized(NotAuthorized):
    msg_fmt = "(rule:%(action)s) is disallowed by policy"


# Security groups (Neutron's extensions/securitygroup.py) ----------------

class SecurityGroupInvalidPortRange(InvalidInput):
    msg_fmt = ("For TCP/UDP protocols, port_range_min must be <= "
               "port_range_max")


class SecurityGroupInvalidPortValue(InvalidInput):
    msg_fmt = "Invalid value for port %(port)s"


class SecurityGroupInvalidIcmpValue(InvalidInput):
    msg_fmt = ("Invalid value for ICMP %(field)s (%(attr)s) %(value)s. It "
               "must be 0 to 255.")


class SecurityGroupMissingIcmpType(InvalidInput):
    msg_fmt = ("ICMP code (port-range-max) %(value)s is provided but ICMP "
               "type (port-range-min) is missing.")


class SecurityGroupInvalidProtocolForPort(InvalidInput):
    msg_fmt = ("Invalid protocol %(protocol)s for port range, only "
               "supported for %(valid_port_protocols)s protocols.")


class SecurityGroupEthertypeConflictWithProtocol(InvalidInput):
    msg_fmt = "Invalid ethertype %(ethertype)s for protocol %(protocol)s."


class SecurityGroupRuleInvalidProtocol(InvalidInput):
    msg_fmt = ("Security group rule protocol %(protocol)s not supported. "
               "Only protocol values %(values)s and integer representations "
               "[0 to 255] are supported.")


class SecurityGroupRuleInvalidEtherType(InvalidInput):
    msg_fmt = ("Security group rule for ethertype '%(ethertype)s' not "
               "supported. Allowed values are %(values)s.")


class SecurityGroupRemoteGroupAndRemoteIpPrefix(InvalidInput):
    msg_fmt = "Only remote_ip_prefix or remote_group_id may be provided."


class SecurityGroupProtocolRequiredWithPorts(InvalidInput):
    msg_fmt = "Must also specify protocol if port range is given."


class SecurityGroupNotSingleGroupRules(InvalidInput):
    msg_fmt = ("Only allowed to update rules for one security profile at a "
               "time")


class SecurityGroupRuleParameterConflict(InvalidInput):
    msg_fmt = "Conflicting value ethertype %(ethertype)s for CIDR %(cidr)s"


class InvalidCIDR(NeutronException):
    code = 400
    msg_fmt = "Invalid CIDR %(input)s given as IP prefix."


class SecurityGroupCannotRemoveDefault(InUse):
    msg_fmt = "Insufficient rights for removing default security group."


class SecurityGroupCannotUpdateDefault(InUse):
    msg_fmt = "Updating default security group not allowed."


class SecurityGroupDefaultAlreadyExists(InUse):
    msg_fmt = "Default security group already exists."


class DuplicateSecurityGroupRuleInPost(InUse):
    msg_fmt = "Duplicate Security Group Rule in POST."


class SecurityGroupRuleExists(InUse):
    msg_fmt = "Security group rule already exists. Rule id is %(rule_id)s."


# Quotas (Neutron's quotasv2 extension) ----------------------------------

class TenantQuotaNotFound(NotFound):
    msg_fmt = "Quota for tenant %(tenant_id)s could not be found."


class AdminRequired(NotAuthorized):
    msg_fmt = "User does not have admin privileges: %(reason)s."
# Subnets and ports (issue 13: subnets, ports, port bindings).

class InvalidAllocationPool(BadRequest):
    msg_fmt = "The allocation pool %(pool)s is not valid."


class OutOfBoundsAllocationPool(BadRequest):
    msg_fmt = ("The allocation pool %(pool)s spans beyond the subnet cidr "
               "%(subnet_cidr)s.")


class OverlappingAllocationPools(Conflict):
    msg_fmt = ("Found overlapping allocation pools: %(pool_1)s %(pool_2)s "
               "for subnet %(subnet_cidr)s.")


class GatewayConflictWithAllocationPools(InUse):
    msg_fmt = ("Gateway ip %(ip_address)s conflicts with allocation pool "
               "%(pool)s.")


class DNSNameServersExhausted(BadRequest):
    msg_fmt = ("Unable to complete operation for %(subnet_id)s. The number "
               "of DNS nameservers exceeds the limit %(quota)s.")


class HostRoutesExhausted(BadRequest):
    msg_fmt = ("Unable to complete operation for %(subnet_id)s. The number "
               "of host routes exceeds the limit %(quota)s.")


class PortSecurityAndIPRequiredForSecurityGroups(InvalidInput):
    msg_fmt = ("Port security must be enabled and port must have an IP "
               "address in order to use security groups.")


class PortSecurityPortHasSecurityGroup(InUse):
    msg_fmt = ("Port has security group associated. Cannot disable port "
               "security or IP address until security group is removed.")


class AddressPairAndPortSecurityRequired(Conflict):
    msg_fmt = ("Port Security must be enabled in order to have allowed "
               "address pairs on a port.")


class DuplicateAddressPairInRequest(InvalidInput):
    msg_fmt = ("Request contains duplicate address pair: mac_address "
               "%(mac_address)s ip_address %(ip_address)s.")


class AllowedAddressPairExhausted(BadRequest):
    msg_fmt = ("The number of allowed address pair exceeds the maximum "
               "%(quota)s.")


class ServicePortInUse(InUse):
    msg_fmt = ("Port %(port_id)s has owner %(device_owner)s and therefore "
               "cannot be deleted directly via the port API.")


class PortBindingAlreadyActive(Conflict):
    msg_fmt = ("Binding for port %(port_id)s on host %(host)s is already "
               "active.")


class PortBindingAlreadyExists(Conflict):
    msg_fmt = ("Binding for port %(port_id)s on host %(host)s already "
               "exists.")


# Routers, floating IPs and auto-allocated topologies (Neutron's l3,
# extraroute and auto-allocate exceptions).

class RouterInterfaceNotFound(NotFound):
    msg_fmt = ("Router %(router_id)s does not have an interface with id "
               "%(port_id)s")


class RouterInterfaceNotFoundForSubnet(NotFound):
    msg_fmt = "Router %(router_id)s has no interface on subnet %(subnet_id)s"


class ExternalGatewayForFloatingIPNotFound(NotFound):
    msg_fmt = ("External network %(external_network_id)s is not reachable "
               "from subnet %(subnet_id)s.  Therefore, cannot associate "
               "Port %(port_id)s with a Floating IP.")


class RouterInterfaceInUseByFloatingIP(InUse):
    msg_fmt = ("Router interface for subnet %(subnet_id)s on router "
               "%(router_id)s cannot be deleted, as it is required by one "
               "or more floating IPs.")


class RouterInterfaceInUseByRoute(InUse):
    msg_fmt = ("Router interface for subnet %(subnet_id)s on router "
               "%(router_id)s cannot be deleted, as it is required by one "
               "or more routes.")


class FloatingIPPortAlreadyAssociated(InUse):
    msg_fmt = ("Cannot associate floating IP %(floating_ip_address)s "
               "(%(fip_id)s) with port %(port_id)s using fixed IP "
               "%(fixed_ip)s, as that fixed IP already has a floating IP on "
               "external network %(net_id)s.")


class RouterExternalGatewayInUseByFloatingIp(InUse):
    msg_fmt = ("Gateway cannot be updated for router %(router_id)s, since a "
               "gateway to external network %(net_id)s is required by one "
               "or more floating IPs.")


class InvalidRoutes(InvalidInput):
    msg_fmt = "Invalid format for routes: %(routes)s, %(reason)s"


class RoutesExhausted(BadRequest):
    msg_fmt = ("Unable to complete operation for %(router_id)s. The number "
               "of routes exceeds the maximum %(quota)s.")


class SubnetMismatchForPort(BadRequest):
    msg_fmt = ("Subnet on port %(port_id)s does not match the requested "
               "subnet %(subnet_id)s.")


class ExternalIpAddressExhausted(BadRequest):
    msg_fmt = ("Unable to find any IP address on external network "
               "%(net_id)s.")


class AutoAllocationFailure(Conflict):
    msg_fmt = "Deployment error: %(reason)s."


class ExternalNetworkInUse(InUse):
    msg_fmt = ("External network %(net_id)s cannot be updated to be made "
               "non-external, since it has existing gateway ports.")


class DefaultExternalNetworkExists(Conflict):
    msg_fmt = "A default external network already exists: %(net_id)s."


class DataplaneError(NeutronException):
    """The host's networking could not be set up (a command failed)."""
    msg_fmt = "Dataplane error: %(reason)s"
