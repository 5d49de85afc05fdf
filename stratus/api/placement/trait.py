"""/traits, /traits/{name} and /resource_providers/{uuid}/traits (1.6)."""
import re

from stratus.api.placement import util
from stratus.api.schemas import placement as schemas
from stratus.api import wsgi
from stratus.placement import errors as codes
from stratus.placement import exception
from stratus.placement import traits

_CUSTOM = re.compile(r"^CUSTOM_[A-Z0-9_]+$")


def _require_1_6(req):
    if not util.wants(req, 6):
        raise util.http_error(404, "The resource could not be found.")


def list_traits(req):
    _require_1_6(req)
    req.authorize("placement:traits:list")
    util.check_query(req, {"name", "associated"})
    names = prefix = associated = None
    name = util.single(req, "name")
    if name is not None:
        if name.startswith("in:"):
            names = [n for n in name[3:].split(",") if n]
        elif name.startswith("startswith:"):
            prefix = name[len("startswith:"):]
        else:
            raise util.http_error(400, "Badly formatted name parameter. "
                                  "Expected name query string parameter in "
                                  "form: ?name=[in|startswith]:[name1,name2|"
                                  "prefix]. Got: \"%s\"" % name,
                                  codes.QUERY_BAD_VALUE)
    value = util.single(req, "associated")
    if value is not None:
        if value.lower() not in ("true", "false"):
            raise util.http_error(400, "The query parameter \"associated\" "
                                  "only accepts \"true\" or \"false\"",
                                  codes.QUERY_BAD_VALUE)
        associated = value.lower() == "true"
    return wsgi.json_response(req, {"traits": traits.list_traits(
        req.context, names=names, prefix=prefix, associated=associated)})


def get_trait(req, name):
    _require_1_6(req)
    req.authorize("placement:traits:show")
    if not traits.trait_exists(req.context, name):
        raise exception.TraitNotFound(names=name)
    return wsgi.empty_response(req)


def put_trait(req, name):
    _require_1_6(req)
    req.authorize("placement:traits:update")
    if not _CUSTOM.match(name) or len(name) > 255:
        raise util.http_error(400, "The trait is invalid. A valid trait "
                              "must be no longer than 255 characters, start "
                              "with the prefix \"CUSTOM_\" and use following "
                              "characters: \"A\"-\"Z\", \"0\"-\"9\" and \"_\"")
    created = traits.create_trait(req.context, name)
    return wsgi.empty_response(req, 201 if created else 204, headers={
        "Location": util.link(req, "/traits/%s" % name)})


def delete_trait(req, name):
    _require_1_6(req)
    req.authorize("placement:traits:delete")
    traits.delete_trait(req.context, name)
    return wsgi.empty_response(req)


def _provider_traits_response(req, names, generation):
    return wsgi.json_response(req, {
        "traits": names, "resource_provider_generation": generation})


def list_traits_for_resource_provider(req, uuid):
    _require_1_6(req)
    req.authorize("placement:resource_providers:traits:list")
    traits.ensure_standard_traits(req.context)
    names, generation = traits.provider_traits(req.context,
                                               util.normalize_uuid(uuid))
    return _provider_traits_response(req, names, generation)


def update_traits_for_resource_provider(req, uuid):
    _require_1_6(req)
    req.authorize("placement:resource_providers:traits:update")
    uuid = util.normalize_uuid(uuid)
    data = util.json_body(req, schemas.PUT_PROVIDER_TRAITS)
    traits.provider_traits(req.context, uuid)  # 404 before 400
    try:
        generation = traits.set_provider_traits(
            req.context, uuid, data["traits"],
            data["resource_provider_generation"])
    except exception.TraitNotFound as exc:
        raise util.http_error(400, exc.format_message())
    return _provider_traits_response(req, sorted(set(data["traits"])),
                                     generation)


def delete_traits_for_resource_provider(req, uuid):
    _require_1_6(req)
    req.authorize("placement:resource_providers:traits:delete")
    traits.set_provider_traits(req.context, util.normalize_uuid(uuid), [])
    return wsgi.empty_response(req)
