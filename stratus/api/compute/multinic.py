"""The addFixedIp / removeFixedIp server actions (Nova's multinic;
deprecated, up to 2.43, 404 above): a fixed IP added is a new port of
the server on the network named, attached as os-interface attaches one;
a fixed IP removed takes the port that has it off the server, as
os-interface detaches one."""
from stratus.api.compute import images
from stratus.api.compute import interfaces
from stratus.api.compute import servers
from stratus.api.schemas import floating_ips as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus.policies import multinic as policies

MAX_VERSION = (2, 43)


def _server(req, server_id, rule):
    images.require_version(req, MAX_VERSION)
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.BASE_POLICY_NAME % rule, instance)
    return instance


@validation.schema(schemas.add_fixed_ip, "2.1", "2.43")
def add_fixed_ip(req, server_id, body):
    instance = _server(req, server_id, "add")
    interfaces.check_changeable(req, instance, "attach_interface")
    try:
        req.app.compute_api.compute_rpcapi.attach_interface(
            req.context, instance, network_id=str(
                body["addFixedIp"]["networkId"]))
    except exception.NoMoreFixedIps as error:
        raise exception.InvalidInput(reason=error.format_message()) from None
    return wsgi.empty_response(req, 202)


@validation.schema(schemas.remove_fixed_ip, "2.1", "2.43")
def remove_fixed_ip(req, server_id, body):
    instance = _server(req, server_id, "remove")
    address = body["removeFixedIp"]["address"]
    port_ids = [port_id for port_id, fixed in
                interfaces.fixed_addresses(instance) if fixed == address]
    if not port_ids:
        raise exception.FixedIpNotFoundForSpecificInstance(
            instance_uuid=instance.uuid, ip=address)
    interfaces.check_changeable(req, instance, "detach_interface")
    req.app.compute_api.compute_rpcapi.detach_interface(
        req.context, instance, port_ids[0])
    return wsgi.empty_response(req, 202)


ACTIONS = {"addFixedIp": add_fixed_ip, "removeFixedIp": remove_fixed_ip}
