"""/servers/{id}/ips: a server's addresses by network."""
from stratus.api.compute import server_views
from stratus.api.compute import servers
from stratus.api import errors
from stratus.api.schemas import common
from stratus.api import validation
from stratus.api import wsgi
from stratus.policies import ips as policies


def _networks(req, server_id, rule):
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.POLICY_ROOT % rule, instance)
    return server_views.networks(instance)


@validation.query_schema(common.NO_QUERY_V2102, "2.102")
def list_ips(req, server_id):
    networks = _networks(req, server_id, "index")
    return wsgi.json_response(req, {"addresses": {
        label: server_views.address_view(entries, extended=False)
        for label, entries in networks.items()}})


@validation.query_schema(common.NO_QUERY_V2102, "2.102")
def show_ips(req, server_id, network):
    networks = _networks(req, server_id, "show")
    if network not in networks:
        raise errors.not_found("Instance is not a member of specified "
                               "network")
    return wsgi.json_response(req, {
        network: server_views.address_view(networks[network],
                                           extended=False)})
