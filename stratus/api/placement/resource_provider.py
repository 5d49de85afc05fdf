"""/resource_providers and /resource_providers/{uuid}."""
import uuid as uuid_lib

from stratus.api.placement import util
from stratus.api.schemas import placement as schemas
from stratus.api import wsgi
from stratus.placement import exception
from stratus.placement import providers

_LIST_QUERY = {"name", "uuid", "member_of", "resources", "in_tree",
               "required"}


def provider_view(req, provider):
    base = "/resource_providers/%s" % provider.uuid
    rels = [("self", ""), ("inventories", "/inventories"),
            ("usages", "/usages")]
    if util.wants(req, 1):
        rels.append(("aggregates", "/aggregates"))
    if util.wants(req, 6):
        rels.append(("traits", "/traits"))
    if util.wants(req, 11):
        rels.append(("allocations", "/allocations"))
    body = {"uuid": provider.uuid, "name": provider.name,
            "generation": provider.generation,
            "links": [{"rel": rel, "href": util.link(req, base + suffix)}
                      for rel, suffix in rels]}
    if util.wants(req, 14):
        body["parent_provider_uuid"] = provider.parent_provider_uuid
        body["root_provider_uuid"] = provider.root_provider_uuid
    return body


def list_resource_providers(req):
    req.authorize("placement:resource_providers:list")
    allowed = {"name", "uuid"}
    for minor, names in ((3, {"member_of"}), (4, {"resources"}),
                         (14, {"in_tree"}), (18, {"required"})):
        if util.wants(req, minor):
            allowed |= names
    util.check_query(req, allowed)
    filters = {}
    name = util.single(req, "name")
    if name is not None:
        filters["name"] = name
    uuid = util.single(req, "uuid")
    if uuid is not None:
        filters["uuid"] = util.normalize_uuid(uuid)
    in_tree = util.single(req, "in_tree") if "in_tree" in allowed else None
    if in_tree is not None:
        filters["in_tree"] = util.normalize_uuid(in_tree, "in_tree")
    if req.GET.getall("member_of"):
        filters["member_of"], filters["forbidden_aggregates"] = (
            util.parse_member_of(req, req.GET.getall("member_of")))
    resources = util.single(req, "resources") if "resources" in allowed else None
    if resources is not None:
        filters["resources"] = util.parse_resources(resources)
    if req.GET.getall("required"):
        filters["required"], filters["forbidden"] = util.parse_required(
            req, req.GET.getall("required"))
    try:
        found = providers.list_providers(req.context, **filters)
    except exception.ResourceClassNotFound as exc:
        raise util.http_error(400, "Invalid resource class in resources "
                              "parameter: %s" % exc.kwargs["name"])
    except exception.TraitNotFound as exc:
        raise util.http_error(400, exc.format_message())
    return wsgi.json_response(req, {"resource_providers": [
        provider_view(req, provider) for provider in found]})


def create_resource_provider(req):
    req.authorize("placement:resource_providers:create")
    schema = (schemas.POST_PROVIDER_1_14 if util.wants(req, 14)
              else schemas.POST_PROVIDER)
    data = util.json_body(req, schema)
    uuid = util.normalize_uuid(data.get("uuid") or str(uuid_lib.uuid4()))
    parent = data.get("parent_provider_uuid")
    provider = providers.create_provider(
        req.context, uuid, data["name"],
        util.normalize_uuid(parent) if parent else None)
    location = util.link(req, "/resource_providers/%s" % uuid)
    if util.wants(req, 20):
        return wsgi.json_response(req, provider_view(req, provider),
                                  headers={"Location": location})
    return wsgi.empty_response(req, 201, headers={"Location": location})


def get_resource_provider(req, uuid):
    req.authorize("placement:resource_providers:show")
    provider = providers.show_provider(req.context, util.normalize_uuid(uuid))
    return wsgi.json_response(req, provider_view(req, provider))


def update_resource_provider(req, uuid):
    req.authorize("placement:resource_providers:update")
    uuid = util.normalize_uuid(uuid)
    schema = (schemas.PUT_PROVIDER_1_14 if util.wants(req, 14)
              else schemas.PUT_PROVIDER)
    data = util.json_body(req, schema)
    parent = ...
    if "parent_provider_uuid" in data:
        parent = data["parent_provider_uuid"]
        parent = util.normalize_uuid(parent) if parent else None
        if parent == uuid:
            raise exception.ProviderTreeLoop()
    provider = providers.update_provider(
        req.context, uuid, data["name"], parent,
        allow_reparent=util.wants(req, 37))
    return wsgi.json_response(req, provider_view(req, provider))


def delete_resource_provider(req, uuid):
    req.authorize("placement:resource_providers:delete")
    providers.delete_unused_provider(req.context, util.normalize_uuid(uuid))
    return wsgi.empty_response(req)


