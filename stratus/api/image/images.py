"""/v2/images and /v2/images/{image_id}.

Listing filters and sorts in Python over the images the caller may see:
the built-in store holds a cloud's handful of images, not Glance-sized
catalogues, and this keeps filters on free-form properties, ``in:``
lists and NULL ordering the same on every database.
"""
import urllib.parse
import uuid

import jsonschema

from stratus.api.image import access
from stratus.api.image import views
from stratus.api.schemas import image as image_schema
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus.image import exception as image_exception

DEFAULT_LIMIT = 25
SORT_KEYS = ("name", "status", "container_format", "disk_format", "size",
             "virtual_size", "id", "created_at", "updated_at", "visibility",
             "owner", "min_disk", "min_ram")
# Filters that accept Glance's "in:a,b,c" operator.
_LIST_FILTERS = ("id", "name", "status", "container_format", "disk_format",
                 "owner")
_BOOLEAN_FILTERS = ("protected", "os_hidden")
_MEMBER_STATUSES = ("accepted", "pending", "rejected", "all")
# Query parameters that are not filters on extra properties.
_CONTROLS = (("limit", "marker", "sort", "sort_key", "sort_dir",
              "visibility", "member_status", "tag", "size_min", "size_max")
             + _LIST_FILTERS + _BOOLEAN_FILTERS)


def _check_settable(name):
    if name in image_schema.READ_ONLY or name == "id":
        raise image_exception.ImageAttributeForbidden(name=name, kind="read-only")
    if name in image_schema.RESERVED:
        raise image_exception.ImageAttributeForbidden(name=name, kind="reserved")


def _validate(schema, document, what):
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(document))
    if error is not None:
        raise exception.Invalid("Invalid %s: %s" % (what, error.message))


def _check_value(name, value):
    _validate(image_schema.WRITABLE.get(name, image_schema.extra_property),
              value, "value for '%s'" % name)


def _check_owner(ctx, value):
    if not ctx.is_admin and value != ctx.project_id:
        raise exception.NotAuthorized(
            "You may not give an image to another project.")


def _unique(tags):
    return list(dict.fromkeys(tags))


def show_image(req, image_id):
    image = req.app.store.get(req.context, image_id)
    if not access.allowed(req, "get_image", access.target(image)):
        # As Glance: an image one may not read does not exist.
        raise exception.ImageNotFound(image_id=image_id)
    return wsgi.json_response(req, views.image_document(image))


def create_image(req):
    ctx = req.context
    body = req.json_document()
    # As in Glance, naming a read-only attribute is refused before the
    # values are checked.
    for name in body if isinstance(body, dict) else ():
        if name not in image_schema.WRITABLE:
            _check_settable(name)
    _validate(image_schema.image, body, "image")
    values = {"properties": {}}
    for name, value in body.items():
        if name in image_schema.WRITABLE:
            values[name] = value
        else:
            values["properties"][name] = value
    values.setdefault("id", str(uuid.uuid4()))
    values.setdefault("owner", ctx.project_id)
    values.setdefault("visibility", "shared")
    target = {"project_id": ctx.project_id, "owner": values["owner"],
              "visibility": values["visibility"]}
    access.authorize(req, "add_image", target)
    access.authorize_visibility(req, values["visibility"], target)
    values["tags"] = _unique(values.get("tags", []))
    image = req.app.store.create(ctx, values)
    return wsgi.json_response(
        req, views.image_document(image), status=201,
        headers={"Location": "%s/v2/images/%s" % (req.application_url,
                                                  image.id)})


def update_image(req, image_id):
    if req.content_type != image_schema.PATCH_MEDIA_TYPE:
        raise image_exception.UnsupportedMediaType(content_type=req.content_type)
    operations = req.json_document()
    _validate(image_schema.patch, operations, "JSON patch")
    ctx = req.context

    def apply(image):
        target = access.target(image)
        access.authorize(req, "modify_image", target)
        for operation in operations:
            _apply(req, image, operation, target)
    image = req.app.store.update(ctx, image_id, apply)
    return wsgi.json_response(req, views.image_document(image))


def _apply(req, image, operation, target):
    op = operation["op"]
    name = operation["path"][1:].replace("~1", "/").replace("~0", "~")
    value = operation.get("value")
    _check_settable(name)
    if name in image_schema.WRITABLE:
        if op == "remove":
            raise exception.NotAuthorized(
                "Property %s may not be removed." % name)
        _check_value(name, value)
        if name == "owner":
            _check_owner(req.context, value)
        if name == "visibility" and value != image.visibility:
            access.authorize_visibility(req, value, target)
        if (name in ("disk_format", "container_format")
                and image.status != "queued"):
            raise exception.NotAuthorized(
                "Attribute %s can be only replaced for a queued image."
                % name)
        setattr(image, name, _unique(value) if name == "tags" else value)
        return
    properties = dict(image.properties or {})
    if op in ("remove", "replace") and name not in properties:
        raise image_exception.PropertyNotFound(name=name)
    if op == "remove":
        del properties[name]
    else:
        _check_value(name, value)
        properties[name] = value
    image.properties = properties


def delete_image(req, image_id):
    image = req.app.store.get(req.context, image_id)
    access.authorize(req, "delete_image", access.target(image))
    req.app.store.delete(req.context, image_id)
    return wsgi.empty_response(req)


@validation.query_schema(image_schema.list_query)
def list_images(req):
    access.authorize(req, "get_images", {"project_id": req.context.project_id})
    params = req.GET
    limit = _limit(params, req.app.conf.api.max_limit)
    order = _sort_order(params)
    _check_filters(params)
    images = req.app.store.list(req.context)
    for key, direction in reversed(order):
        images.sort(key=lambda image: _sortable(getattr(image, key)),
                    reverse=direction == "desc")
    marker = params.get("marker")
    if marker is not None:
        position = next((index for index, image in enumerate(images)
                         if image.id == marker), None)
        if position is None:
            raise exception.Invalid(
                "Invalid marker. Image %s could not be found." % marker)
        images = images[position + 1:]
    matching = [image for image in images
                if _matches(req.context, image, params)]
    page = matching[:limit]
    body = {"images": [views.image_document(image) for image in page],
            "first": "/v2/images", "schema": "/v2/schemas/images"}
    if len(matching) > limit and page:
        query = [(key, value) for key, value in params.items()
                 if key != "marker"] + [("marker", page[-1].id)]
        body["next"] = "/v2/images?" + urllib.parse.urlencode(query)
    return wsgi.json_response(req, body)


def _limit(params, max_limit):
    text = params.get("limit", str(DEFAULT_LIMIT))
    try:
        limit = int(text)
    except ValueError:
        raise exception.Invalid("limit param must be an integer")
    if limit < 0:
        raise exception.Invalid("limit param must be positive")
    return min(limit, max_limit)


def _sort_order(params):
    """[(key, direction)], ending with id so that pages are stable."""
    if "sort" in params:
        if "sort_key" in params or "sort_dir" in params:
            raise exception.Invalid(
                "The 'sort' parameter cannot be combined with sort_key or "
                "sort_dir.")
        order = []
        for item in params["sort"].split(","):
            key, _, direction = item.strip().partition(":")
            order.append((key, direction or "desc"))
    else:
        keys = params.getall("sort_key") or ["created_at"]
        directions = params.getall("sort_dir") or ["desc"]
        if len(directions) == 1:
            directions = directions * len(keys)
        if len(directions) != len(keys):
            raise exception.Invalid(
                "The number of sort_key and sort_dir values must match.")
        order = list(zip(keys, directions))
    for key, direction in order:
        if key not in SORT_KEYS:
            raise exception.Invalid("Invalid sort key: %s" % key)
        if direction not in ("asc", "desc"):
            raise exception.Invalid("Invalid sort direction: %s" % direction)
    return order + [("id", order[-1][1])]


def _sortable(value):
    # None sorts first, and never meets a value of another type.
    return (value is not None, value)


def _check_filters(params):
    visibility = params.get("visibility")
    if visibility not in (None, "all", *image_schema.VISIBILITIES):
        raise exception.Invalid("Invalid visibility value: %s" % visibility)
    if params.get("member_status", "accepted") not in _MEMBER_STATUSES:
        raise exception.Invalid("Invalid status value: %s"
                                % params["member_status"])
    for name in ("size_min", "size_max"):
        if name in params and not params[name].isdigit():
            raise exception.Invalid("%s must be a non-negative integer"
                                    % name)
    for name in _BOOLEAN_FILTERS:
        if name in params and params[name].lower() not in ("true", "false"):
            raise exception.Invalid("%s must be true or false" % name)


def _matches(ctx, image, params):
    visibility = params.get("visibility")
    if visibility is None:
        # Community images are listed only on request (or to their owner).
        if image.visibility == "community" and image.owner != ctx.project_id:
            return False
    elif visibility != "all" and image.visibility != visibility:
        return False
    for name in _BOOLEAN_FILTERS:
        wanted = params.get(name, "false" if name == "os_hidden" else None)
        if wanted is not None and getattr(image, name) != (
                wanted.lower() == "true"):
            return False
    for name in _LIST_FILTERS:
        if name in params:
            wanted = params[name]
            if wanted.startswith("in:"):
                allowed = wanted[3:].split(",")
            else:
                allowed = [wanted]
            if getattr(image, name) not in allowed:
                return False
    tags = image.tags or []
    if any(tag not in tags for tag in params.getall("tag")):
        return False
    if "size_min" in params and (image.size is None
                                 or image.size < int(params["size_min"])):
        return False
    if "size_max" in params and (image.size is None
                                 or image.size > int(params["size_max"])):
        return False
    properties = image.properties or {}
    return all(properties.get(key) == value for key, value in params.items()
               if key not in _CONTROLS)
