"""GET / (the API versions) and GET /v2.0 (the collections served)."""
from stratus.api.network import routes
from stratus.api import wsgi


def list_versions(req):
    return wsgi.json_response(req, {"versions": [{
        "id": "v2.0", "status": "CURRENT",
        "links": [{"href": req.host_url + "/v2.0/", "rel": "self"}]}]})


# Neutron lists its core resources at /v2.0; extensions' resources
# (security groups, routers ...) are found through /v2.0/extensions.
CORE_COLLECTIONS = ("networks", "subnets", "subnetpools", "ports")


def list_resources(req):
    resources = []
    for collection in routes.STORES:
        if collection not in CORE_COLLECTIONS:
            continue
        resources.append({
            "name": collection[:-1], "collection": collection,
            "links": [{"href": "%s/v2.0/%s" % (req.host_url, collection),
                       "rel": "self"}]})
    return wsgi.json_response(req, {"resources": resources})
