"""POST /reshaper (1.30): inventories and allocations moved at once."""
from stratus.api.placement import allocation
from stratus.api.placement import inventory
from stratus.api.placement import util
from stratus.api.schemas import placement as schemas
from stratus.api import wsgi
from stratus.placement import exception
from stratus.placement import reshaper


def reshape(req):
    if not util.wants(req, 30):
        raise util.http_error(404, "The resource could not be found.")
    req.authorize("placement:reshaper:reshape")
    schema = (schemas.RESHAPER_1_38 if util.wants(req, 38)
              else schemas.RESHAPER_1_30)
    data = util.json_body(req, schema)
    inventories = {}
    for uuid, body in data["inventories"].items():
        wanted = {}
        for class_name, fields in body["inventories"].items():
            inventory.check_class(req, class_name)
            wanted[class_name] = inventory.inventory_from_body(
                req, class_name, fields)
        inventories[util.normalize_uuid(uuid)] = (
            body["resource_provider_generation"], wanted)
    consumers = [allocation.consumer_from_body(req, consumer, body)
                 for consumer, body in sorted(data["allocations"].items())]
    try:
        reshaper.reshape(req.context, inventories, consumers)
    except exception.ResourceProviderNotFound as exc:
        raise util.http_error(400, "Resource provider '%s' in the reshape "
                              "does not exist." % exc.kwargs["uuid"])
    except exception.ResourceClassNotFound as exc:
        raise util.http_error(400, exc.format_message())
    return wsgi.empty_response(req)
