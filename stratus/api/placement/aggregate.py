"""/resource_providers/{uuid}/aggregates (1.1; generations from 1.19)."""
from stratus.api.placement import util
from stratus.api.schemas import placement as schemas
from stratus.api import wsgi
from stratus.placement import aggregates


def _response(req, uuids, generation):
    body = {"aggregates": uuids}
    if util.wants(req, 19):
        body["resource_provider_generation"] = generation
    return wsgi.json_response(req, body)


def _require_1_1(req):
    if not util.wants(req, 1):
        raise util.http_error(404, "The resource could not be found.")


def get_aggregates(req, uuid):
    _require_1_1(req)
    req.authorize("placement:resource_providers:aggregates:list")
    uuids, generation = aggregates.provider_aggregates(
        req.context, util.normalize_uuid(uuid))
    return _response(req, uuids, generation)


def set_aggregates(req, uuid):
    _require_1_1(req)
    req.authorize("placement:resource_providers:aggregates:update")
    uuid = util.normalize_uuid(uuid)
    if util.wants(req, 19):
        data = util.json_body(req, schemas.PUT_AGGREGATES_1_19)
        wanted, generation = (data["aggregates"],
                              data["resource_provider_generation"])
    else:
        wanted, generation = util.json_body(req, schemas.PUT_AGGREGATES), None
    wanted = sorted({util.normalize_uuid(u) for u in wanted})
    new_generation = aggregates.set_provider_aggregates(
        req.context, uuid, wanted, generation, bump=util.wants(req, 19))
    return _response(req, wanted, new_generation)
