"""/allocations, /allocations/{consumer_uuid} and
/resource_providers/{uuid}/allocations."""
from stratus.api.placement import util
from stratus.api.schemas import placement as schemas
from stratus.api import wsgi
from stratus.placement import allocations
from stratus.placement import exception


def list_for_consumer(req, consumer_uuid):
    req.authorize("placement:allocations:list")
    consumer = allocations.show_consumer(
        req.context, util.normalize_uuid(consumer_uuid, "consumer uuid"))
    body = {"allocations": {
        provider: {"generation": consumer.provider_generations[provider],
                   "resources": resources}
        for provider, resources in consumer.allocations.items()}}
    if consumer.allocations and consumer.generation is not None:
        if util.wants(req, 12):
            body["project_id"] = consumer.project_id
            body["user_id"] = consumer.user_id
        if util.wants(req, 28):
            body["consumer_generation"] = consumer.generation
        if util.wants(req, 38):
            body["consumer_type"] = consumer.consumer_type or "unknown"
    return wsgi.json_response(req, body)


def list_for_resource_provider(req, uuid):
    req.authorize("placement:resource_providers:allocations:list")
    by_consumer, generation = allocations.provider_allocations(
        req.context, util.normalize_uuid(uuid))
    return wsgi.json_response(req, {
        "allocations": {consumer: {"resources": resources}
                        for consumer, resources in by_consumer.items()},
        "resource_provider_generation": generation})


def _put_schema(req):
    for minor, schema in ((38, schemas.PUT_ALLOCATIONS_1_38),
                          (28, schemas.PUT_ALLOCATIONS_1_28),
                          (12, schemas.PUT_ALLOCATIONS_1_12),
                          (8, schemas.PUT_ALLOCATIONS_1_8)):
        if util.wants(req, minor):
            return schema
    return schemas.PUT_ALLOCATIONS_1_0


def _post_schema(req):
    if util.wants(req, 38):
        return schemas.POST_ALLOCATIONS_1_38
    if util.wants(req, 28):
        return schemas.POST_ALLOCATIONS_1_28
    return schemas.POST_ALLOCATIONS_1_13


def consumer_from_body(req, consumer_uuid, data):
    """A ConsumerAllocations from one consumer's part of a request."""
    if isinstance(data["allocations"], list):
        wanted = {}
        for item in data["allocations"]:
            provider = util.normalize_uuid(item["resource_provider"]["uuid"])
            target = wanted.setdefault(provider, {})
            target.update(item["resources"])
    else:
        wanted = {util.normalize_uuid(provider): dict(body["resources"])
                  for provider, body in data["allocations"].items()}
    generation = allocations.ANY_GENERATION
    if util.wants(req, 28):
        generation = data["consumer_generation"]
    return allocations.ConsumerAllocations(
        consumer_uuid=util.normalize_uuid(consumer_uuid, "consumer uuid"),
        allocations=wanted, project_id=data.get("project_id"),
        user_id=data.get("user_id"), generation=generation,
        consumer_type=data.get("consumer_type"))


def write(req, consumers):
    """Write, turning what the caller got wrong into Placement's codes."""
    try:
        allocations.replace_allocations(req.context, consumers)
    except exception.ResourceProviderNotFound as exc:
        raise util.http_error(400, "Allocation for resource provider '%s' "
                              "that does not exist." % exc.kwargs["uuid"])
    except exception.ResourceClassNotFound as exc:
        raise util.http_error(400, "Unable to allocate inventory: %s"
                              % exc.format_message())


def set_allocations_for_consumer(req, consumer_uuid):
    req.authorize("placement:allocations:update")
    data = util.json_body(req, _put_schema(req))
    write(req, [consumer_from_body(req, consumer_uuid, data)])
    return wsgi.empty_response(req)


def set_allocations(req):
    if not util.wants(req, 13):
        raise util.http_error(405, "The method POST is not allowed for "
                              "this resource.")
    req.authorize("placement:allocations:manage")
    data = util.json_body(req, _post_schema(req))
    write(req, [consumer_from_body(req, consumer, body)
                for consumer, body in sorted(data.items())])
    return wsgi.empty_response(req)


def delete_allocations(req, consumer_uuid):
    req.authorize("placement:allocations:delete")
    consumer_uuid = util.normalize_uuid(consumer_uuid, "consumer uuid")
    try:
        allocations.delete_allocations(req.context, consumer_uuid)
    except exception.ConsumerNotFound:
        raise util.http_error(404, "No allocations for consumer '%s'"
                              % consumer_uuid)
    return wsgi.empty_response(req)
