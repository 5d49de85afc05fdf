"""Private flavors: which projects may use them.

POST /flavors/{id}/action with addTenantAccess or removeTenantAccess, and
GET /flavors/{id}/os-flavor-access.
"""
from stratus.api import errors
from stratus.api.schemas import flavor_access as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import objects
from stratus.policies import flavor_access as policies

PUBLIC_CONFLICT_VERSION = (2, 7)
_ACTION_NAMES = {"add_tenant_access": "addTenantAccess",
                 "remove_tenant_access": "removeTenantAccess"}


def _access_response(req, flavor):
    return wsgi.json_response(req, {"flavor_access": [
        {"flavor_id": flavor.flavorid, "tenant_id": project_id}
        for project_id in flavor.projects]})


def list_flavor_access(req, flavor_id):
    req.authorize(policies.BASE_POLICY_NAME)
    flavor = objects.Flavor.get_by_flavor_id(req.context, flavor_id)
    if flavor.is_public:
        raise errors.not_found(
            "Access list not available for public flavors.")
    return _access_response(req, flavor)


def _change_access(req, flavor_id, action):
    req.authorize(policies.POLICY_ROOT % action)
    tenant = req.json_document()[_ACTION_NAMES[action]]["tenant"]
    flavor = objects.Flavor.get_by_flavor_id(req.context, flavor_id)
    return flavor, tenant


@validation.schema(schemas.add_tenant_access)
def _add_tenant_access(req, flavor_id):
    flavor, tenant = _change_access(req, flavor_id, "add_tenant_access")
    if req.api_version >= PUBLIC_CONFLICT_VERSION and flavor.is_public:
        raise errors.conflict("Can not add access to a public flavor.")
    flavor.add_access(tenant)
    return _access_response(req, flavor)


@validation.schema(schemas.remove_tenant_access)
def _remove_tenant_access(req, flavor_id):
    flavor, tenant = _change_access(req, flavor_id, "remove_tenant_access")
    flavor.remove_access(tenant)
    return _access_response(req, flavor)


ACTIONS = {
    "addTenantAccess": _add_tenant_access,
    "removeTenantAccess": _remove_tenant_access,
}


def flavor_action(req, flavor_id):
    return wsgi.dispatch_action(req, ACTIONS, flavor_id)
