"""/os-aggregates: host aggregates and, through their metadata
``availability_zone``, availability zones (admin only).

Nova's status codes are kept, including its 200s where 201/204 would be
usual. 2.41 adds the aggregate's uuid to every body. 2.81 adds
``POST /os-aggregates/{id}/images``: the aggregate's compute hosts fetch
these images into their image caches (202; the conductor casts the work
to each host).
"""
from stratus.api.schemas import aggregates as schemas
from stratus.api.schemas import common
from stratus.api import errors
from stratus.api import validation
from stratus.api import wsgi
from stratus.compute_api import aggregates as aggregate_api
from stratus import exception
from stratus.policies import aggregates as policies

UUID_VERSION = (2, 41)
CACHE_IMAGES_VERSION = (2, 81)


def aggregate_view(req, aggregate, with_members=True):
    view = {
        "id": aggregate.id,
        "name": aggregate.name,
        "availability_zone": aggregate.availability_zone,
        "created_at": wsgi.isotime(aggregate.created_at, microseconds=True),
        "updated_at": wsgi.isotime(aggregate.updated_at, microseconds=True),
        # API database rows are removed, never soft-deleted.
        "deleted": False,
        "deleted_at": None,
    }
    if with_members:
        view["hosts"] = aggregate.hosts
        view["metadata"] = aggregate.metadata
    if req.api_version >= UUID_VERSION:
        view["uuid"] = aggregate.uuid
    return view


def _response(req, aggregate, with_members=True):
    return wsgi.json_response(req, {"aggregate": aggregate_view(
        req, aggregate, with_members)})


def _api(req):
    return aggregate_api.AggregateAPI(req.app.conf, req.app.messaging)


def _aggregate_id(aggregate_id):
    """As Nova: 400 for an id that is not an integer; any integer, zero
    and negative ones too, is looked up (404 where no aggregate has it,
    which is so of every number beyond the column's range)."""
    try:
        number = int(aggregate_id)
    except ValueError:
        raise errors.bad_request(exception.InvalidInput(
            reason="id must be an integer").format_message())
    if not -common.MAX_INT - 1 <= number <= common.MAX_INT:
        raise exception.AggregateNotFound(aggregate_id=aggregate_id)
    return number


def list_aggregates(req):
    req.authorize(policies.POLICY_ROOT % "index")
    return wsgi.json_response(req, {"aggregates": [
        aggregate_view(req, aggregate)
        for aggregate in _api(req).list(req.context)]})


@validation.schema(schemas.create)
def create_aggregate(req):
    req.authorize(policies.POLICY_ROOT % "create")
    values = req.json_document()["aggregate"]
    aggregate = _api(req).create(req.context, values["name"],
                                 values.get("availability_zone"))
    # Nova's create shows neither hosts nor metadata.
    return _response(req, aggregate, with_members=False)


def show_aggregate(req, aggregate_id):
    req.authorize(policies.POLICY_ROOT % "show")
    return _response(req, _api(req).get(req.context,
                                        _aggregate_id(aggregate_id)))


@validation.schema(schemas.update)
def update_aggregate(req, aggregate_id):
    req.authorize(policies.POLICY_ROOT % "update")
    values = req.json_document()["aggregate"]
    aggregate = _api(req).update(
        req.context, _aggregate_id(aggregate_id), name=values.get("name"),
        availability_zone=values.get("availability_zone", False))
    return _response(req, aggregate)


def delete_aggregate(req, aggregate_id):
    req.authorize(policies.POLICY_ROOT % "delete")
    _api(req).delete(req.context, _aggregate_id(aggregate_id))
    return wsgi.empty_response(req, status=200)


@validation.schema(schemas.add_host)
def _add_host(req, aggregate_id):
    req.authorize(policies.POLICY_ROOT % "add_host")
    host = req.json_document()["add_host"]["host"]
    try:
        aggregate = _api(req).add_host(req.context, aggregate_id, host)
    except exception.InvalidAggregateAction as exc:
        raise errors.conflict(exc.format_message())
    return _response(req, aggregate)


@validation.schema(schemas.remove_host)
def _remove_host(req, aggregate_id):
    req.authorize(policies.POLICY_ROOT % "remove_host")
    host = req.json_document()["remove_host"]["host"]
    message = "Cannot remove host %s in aggregate %s" % (host, aggregate_id)
    try:
        aggregate = _api(req).remove_host(req.context, aggregate_id, host)
    except exception.NotFound:
        raise errors.not_found(message)
    except exception.InvalidAggregateAction:
        raise errors.conflict(message)
    return _response(req, aggregate)


@validation.schema(schemas.set_metadata)
def _set_metadata(req, aggregate_id):
    req.authorize(policies.POLICY_ROOT % "set_metadata")
    metadata = req.json_document()["set_metadata"]["metadata"]
    return _response(req, _api(req).set_metadata(req.context, aggregate_id,
                                                 metadata))


ACTIONS = {
    "add_host": _add_host,
    "remove_host": _remove_host,
    "set_metadata": _set_metadata,
}


@validation.schema(schemas.cache_images, "2.81")
def cache_images(req, aggregate_id):
    if req.api_version < CACHE_IMAGES_VERSION:
        raise errors.not_found("The resource could not be found.")
    req.authorize(policies.IMAGES)
    aggregate_id = _aggregate_id(aggregate_id)
    image_ids = [image["id"] for image in req.json_document()["cache"]]
    if len(set(image_ids)) != len(image_ids):
        raise errors.bad_request("Duplicate images in request")
    api = _api(req)
    aggregate = api.get(req.context, aggregate_id)
    try:
        api.cache_images(req.context, aggregate, image_ids,
                         req.app.image_api)
    except exception.ImageNotFound as exc:
        raise errors.bad_request(exc.format_message())
    return wsgi.empty_response(req, status=202)


def aggregate_action(req, aggregate_id):
    aggregate_id = _aggregate_id(aggregate_id)
    return wsgi.dispatch_action(req, ACTIONS, aggregate_id)
