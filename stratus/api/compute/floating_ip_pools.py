"""/os-floating-ip-pools (deprecated; up to 2.35, 404 above, as in
Nova): the external networks of the network service, by name (by id
where a network has no name)."""
from stratus.api.compute import images
from stratus.api.compute import networks
from stratus.api.schemas import networks as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus.policies import floating_ip_pools as policies


@validation.query_schema(schemas.any_query)
def list_floating_ip_pools(req):
    images.require_version(req, networks.MAX_VERSION)
    req.authorize(policies.BASE_POLICY_NAME)
    pools = req.app.network_api.floating_ip_pools(req.context)
    return wsgi.json_response(req, {"floating_ip_pools": [
        {"name": pool.get("name") or pool["id"]} for pool in pools]})
