"""/os-tenant-networks (deprecated; up to 2.35, 404 above, as in Nova):
the networks the caller sees in the network service, as id, label and
the cidr Nova has answered since nova-network ("None"); creating and
deleting went with nova-network (410 Gone)."""
from stratus.api.compute import networks
from stratus.api.compute import removed
from stratus.api.schemas import networks as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus.policies import tenant_networks as policies


def network_view(network):
    # Nova answers the string "None" for the cidr of a Neutron network.
    return {"id": network["id"], "cidr": str(None),
            "label": network.get("name")}


@validation.query_schema(schemas.any_query)
def list_tenant_networks(req):
    networks.authorize(req, policies.POLICY_ROOT % "list")
    found = req.app.network_api.list_networks(req.context)
    return wsgi.json_response(req, {"networks": [network_view(network)
                                                 for network in found]})


@validation.query_schema(schemas.any_query)
def show_tenant_network(req, network_id):
    networks.authorize(req, policies.POLICY_ROOT % "show")
    return wsgi.json_response(req, {"network": network_view(
        networks.get_network(req, network_id))})


@validation.schema(schemas.tenant_create)
def create_tenant_network(req):
    removed.gone(req)


def delete_tenant_network(req, network_id):
    removed.gone(req)
