"""/os-networks (deprecated; up to 2.35, 404 above, as in Nova): the
networks the caller sees in the network service, in nova-network's
shape; creating, adding, deleting and disassociating networks went with
nova-network (410 Gone, after Nova's body checks)."""
from stratus.api.compute import images
from stratus.api.compute import removed
from stratus.api import errors
from stratus.api.schemas import networks as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import client_exception
from stratus.policies import networks as policies

# The last microversion of the proxy APIs (Nova's
# MAX_PROXY_API_SUPPORT_VERSION).
MAX_VERSION = (2, 35)

def network_view(ctx, network):
    """Nova's view of a Neutron network: nova-network's fields, of which
    only id and label (the name) are known; administrators see the rest
    of nova-network's fields too, all null."""
    fields = schemas.FIELDS + (schemas.ADMIN_FIELDS if ctx.is_admin
                               else ())
    view = dict.fromkeys(fields)
    view["id"] = network["id"]
    view["label"] = network.get("name")
    return view


def authorize(req, rule):
    images.require_version(req, MAX_VERSION)
    req.authorize(rule, {"project_id": req.context.project_id})


def get_network(req, network_id):
    """The Neutron network, or Nova's 404."""
    try:
        return req.app.network_api.show_network(req.context, network_id)
    except client_exception.NetworkResourceNotFound:
        raise errors.not_found("Network not found") from None


@validation.query_schema(schemas.any_query)
def list_networks(req):
    authorize(req, policies.POLICY_ROOT % "list")
    networks = req.app.network_api.list_networks(req.context)
    return wsgi.json_response(req, {"networks": [
        network_view(req.context, network) for network in networks]})


@validation.query_schema(schemas.any_query)
def show_network(req, network_id):
    authorize(req, policies.POLICY_ROOT % "show")
    return wsgi.json_response(req, {"network": network_view(
        req.context, get_network(req, network_id))})


@validation.schema(schemas.create)
def create_network(req):
    removed.gone(req)


@validation.schema(schemas.add)
def add_network(req):
    removed.gone(req)


def delete_network(req, network_id):
    removed.gone(req)


def network_action(req, network_id):
    """disassociate (and the os-networks-associate actions): gone; the
    disassociate body is checked first, as Nova does."""
    body = req.json_body_or_none()
    if isinstance(body, dict) and "disassociate" in body:
        validation.validate(schemas.disassociate, body)
    removed.gone(req)
