"""/v2/metadefs: Glance's metadata definitions catalogue (namespaces with
their resource type associations, properties, objects and tags) and
/v2/schemas/metadefs/*, as Horizon and python-glanceclient use them.

Glance's default policies: everyone with a role reads public namespaces
and their own project's; only an administrator creates, changes or
deletes (rules ``*_metadef_*`` in stratus.policies.image_service).
"""
import urllib.parse

import jsonschema

from stratus.api.image import access
from stratus.api.schemas import image_metadefs as schemas
from stratus.api import wsgi
from stratus import exception
from stratus.image import exception as image_exception
from stratus.image import metadefs

_NAMESPACES = "/v2/metadefs/namespaces"
_SORT_KEYS = ("created_at", "updated_at", "namespace", "display_name",
              "visibility", "protected", "owner")
_DEFAULT_LIMIT = 25
_MAX_LIMIT = 1000


# Helpers ---------------------------------------------------------------------

def _target(row):
    return {"project_id": row.owner, "owner": row.owner,
            "visibility": row.visibility}


def _caller(req):
    return {"project_id": req.context.project_id,
            "owner": req.context.project_id, "visibility": "private"}


def _read(req, action, row):
    """A namespace one may not read does not exist, as in Glance."""
    if not access.allowed(req, action, _target(row)):
        raise image_exception.MetadefNamespaceNotFound(
            namespace=row.namespace)


def _body(req, schema, what):
    body = req.json_document()
    if isinstance(body, dict):
        for name in schemas.READ_ONLY:
            if name in body:
                raise image_exception.ImageAttributeForbidden(
                    name=name, kind="read-only")
    return _valid(body, schema, what)


def _valid(document, schema, what):
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft4Validator(schema).iter_errors(document))
    if error is not None:
        raise exception.Invalid("Invalid %s: %s" % (what, error.message))
    return document


def _time(value):
    return wsgi.isotime(value)


def _href(*parts):
    return "/".join([_NAMESPACES] + [urllib.parse.quote(part, safe="")
                                     for part in parts])


def _namespace_view(row, full=True, resource_type=None):
    document = row.document or {}
    view = {"namespace": row.namespace,
            "visibility": row.visibility, "protected": row.protected,
            "created_at": _time(row.created_at),
            "updated_at": _time(row.updated_at or row.created_at),
            "self": _href(row.namespace),
            "schema": "/v2/schemas/metadefs/namespace"}
    for name in ("display_name", "description"):
        if document.get(name) is not None:
            view[name] = document[name]
    if row.owner is not None:
        view["owner"] = row.owner
    if document.get("resource_type_associations"):
        view["resource_type_associations"] = [
            _association_view(item)
            for item in document["resource_type_associations"]]
    if not full:
        return view
    properties = dict(document.get("properties") or {})
    if properties and resource_type is not None:
        # Property names as the resource type sees them: with the prefix
        # of the namespace's association with it, as Glance shows them.
        prefix = next((item.get("prefix") or "" for item in document.get(
            "resource_type_associations", [])
            if item["name"] == resource_type), "")
        properties = {prefix + name: value
                      for name, value in properties.items()}
    if properties:
        view["properties"] = properties
    if document.get("objects"):
        view["objects"] = [_object_view(row.namespace, item)
                           for item in document["objects"]]
    if document.get("tags"):
        view["tags"] = [{"name": item["name"]} for item in document["tags"]]
    return view


def _association_view(item):
    view = {"name": item["name"], "created_at": item.get("created_at"),
            "updated_at": item.get("updated_at")}
    for name in ("prefix", "properties_target"):
        if item.get(name) is not None:
            view[name] = item[name]
    return {key: value for key, value in view.items() if value is not None}


def _object_view(namespace, item):
    view = {key: value for key, value in item.items() if value is not None}
    view.update(self=_href(namespace, "objects", item["name"]),
                schema="/v2/schemas/metadefs/object")
    view.setdefault("required", [])
    view.setdefault("properties", {})
    return view


def _tag_view(item):
    return {key: item[key] for key in ("name", "created_at", "updated_at")
            if item.get(key) is not None}


def _visible(req, name):
    row = req.app.metadefs.get(req.context, name)
    _read(req, "get_metadef_namespace", row)
    return row


def _modify(req, name, action, change):
    """change(row, document) on the namespace, which the caller must be
    allowed to see and to change by action; what change returns."""
    def checked(row, document):
        _read(req, "get_metadef_namespace", row)
        access.authorize(req, action, _target(row))
        return change(row, document)
    return req.app.metadefs.update(req.context, name, checked)


def _find(items, name, kind, namespace):
    for index, item in enumerate(items):
        if item["name"] == name:
            return index
    raise image_exception.MetadefItemNotFound(kind=kind, name=name,
                                              namespace=namespace)


def _stamped(item, old=None):
    stamp = metadefs.now().isoformat()
    item = dict(item)
    item["created_at"] = (old or {}).get("created_at", stamp)
    item["updated_at"] = stamp
    return item


# Schemas -----------------------------------------------------------------------

def show_schema(req, schema_name):
    if schema_name not in schemas.SERVED:
        raise exception.NotFound("Schema %s not found." % schema_name)
    return wsgi.json_response(req, schemas.SERVED[schema_name])


# Namespaces --------------------------------------------------------------------

def _int(value, name):
    try:
        number = int(value)
    except ValueError:
        raise exception.Invalid("%s param must be an integer" % name)
    if number < 0:
        raise exception.Invalid("%s param must be positive" % name)
    return number


def list_namespaces(req):
    access.authorize(req, "get_metadef_namespaces", _caller(req))
    params = req.GET
    limit = min(_int(params.get("limit", _DEFAULT_LIMIT), "limit"),
                _MAX_LIMIT)
    sort_key = params.get("sort_key", "created_at")
    sort_dir = params.get("sort_dir", "desc")
    if sort_dir not in ("asc", "desc"):
        raise exception.Invalid("Invalid sort direction: %s" % sort_dir)
    if sort_key not in _SORT_KEYS:
        raise exception.Invalid("Invalid sort key: %s" % sort_key)
    visibility = params.get("visibility")
    if visibility and visibility not in ("public", "private"):
        raise exception.Invalid("Invalid visibility value: %s" % visibility)
    wanted_types = [name for name in params.get(
        "resource_types", "").split(",") if name]
    rows = [row for row in req.app.metadefs.list(req.context)
            if access.allowed(req, "get_metadef_namespace", _target(row))]
    if visibility:
        rows = [row for row in rows if row.visibility == visibility]
    if wanted_types:
        rows = [row for row in rows if any(
            item["name"] in wanted_types for item in
            (row.document or {}).get("resource_type_associations", []))]

    def key(row):
        if sort_key in ("namespace", "visibility", "protected",
                        "created_at", "updated_at", "owner"):
            value = getattr(row, sort_key)
        else:
            value = (row.document or {}).get(sort_key)
        return (value is None, value if value is not None else "",
                row.namespace)
    rows.sort(key=key, reverse=sort_dir == "desc")
    marker = params.get("marker")
    if marker is not None:
        names = [row.namespace for row in rows]
        if marker not in names:
            raise image_exception.MetadefNamespaceNotFound(namespace=marker)
        rows = rows[names.index(marker) + 1:]
    page = rows[:limit]
    query = [(name, value) for name, value in params.items()
             if name != "marker"]
    first = _NAMESPACES + ("?" + urllib.parse.urlencode(query)
                           if query else "")
    body = {"namespaces": [_namespace_view(row, full=False)
                           for row in page],
            "first": first, "schema": "/v2/schemas/metadefs/namespaces"}
    if page and len(page) == limit and len(rows) > limit:
        body["next"] = _NAMESPACES + "?" + urllib.parse.urlencode(
            query + [("marker", page[-1].namespace)])
    return wsgi.json_response(req, body)


def show_namespace(req, namespace_name):
    row = _visible(req, namespace_name)
    return wsgi.json_response(req, _namespace_view(
        row, resource_type=req.GET.get("resource_type")))


def create_namespace(req):
    body = _body(req, schemas.namespace, "namespace")
    values = {"namespace": body["namespace"],
              "owner": body.get("owner", req.context.project_id),
              "visibility": body.get("visibility", "private"),
              "protected": body.get("protected", False)}
    access.authorize(req, "add_metadef_namespace", {
        "project_id": req.context.project_id, "owner": values["owner"],
        "visibility": values["visibility"]})
    for part, action in (
            ("resource_type_associations",
             "add_metadef_resource_type_association"),
            ("objects", "add_metadef_object"),
            ("properties", "add_metadef_property"),
            ("tags", "add_metadef_tag")):
        if body.get(part):
            access.authorize(req, action, _caller(req))
    row = req.app.metadefs.create(req.context, values,
                                  metadefs.namespace_document(body))
    return wsgi.json_response(
        req, _namespace_view(row), status=201,
        headers={"Location": req.host_url + _href(row.namespace)})


def update_namespace(req, namespace_name):
    body = _body(req, schemas.namespace, "namespace")

    def change(row, document):
        row.namespace = body["namespace"]
        row.visibility = body.get("visibility") or "private"
        row.protected = body.get("protected") or False
        row.owner = body.get("owner") or req.context.project_id
        for name in ("display_name", "description"):
            document[name] = body.get(name)
        return row
    row = _modify(req, namespace_name, "modify_metadef_namespace", change)
    return wsgi.json_response(req, _namespace_view(
        req.app.metadefs.get(req.context, row.namespace)))


def delete_namespace(req, namespace_name):
    row = _visible(req, namespace_name)
    access.authorize(req, "delete_metadef_namespace", _target(row))
    req.app.metadefs.delete(req.context, namespace_name)
    return wsgi.empty_response(req)


# Resource types ----------------------------------------------------------------

def list_resource_types(req):
    access.authorize(req, "list_metadef_resource_types", _caller(req))
    found = req.app.metadefs.resource_types(req.context)
    return wsgi.json_response(req, {"resource_types": [
        {"name": name, "created_at": _time(created),
         "updated_at": _time(created)}
        for name, created in sorted(found.items())]})


def list_namespace_resource_types(req, namespace_name):
    row = _visible(req, namespace_name)
    _read(req, "get_metadef_resource_type", row)
    return wsgi.json_response(req, {"resource_type_associations": [
        _association_view(item) for item in
        (row.document or {}).get("resource_type_associations", [])]})


def add_namespace_resource_type(req, namespace_name):
    body = _body(req, schemas.resource_type, "resource type association")

    def change(row, document):
        items = document.setdefault("resource_type_associations", [])
        if any(item["name"] == body["name"] for item in items):
            raise image_exception.MetadefDuplicateItem(
                kind="resource type association", name=body["name"],
                namespace=row.namespace)
        item = _stamped({key: value for key, value in body.items()
                         if key in ("name", "prefix", "properties_target")})
        items.append(item)
        return item
    item = _modify(req, namespace_name,
                   "add_metadef_resource_type_association", change)
    return wsgi.json_response(req, _association_view(item), status=201)


def remove_namespace_resource_type(req, namespace_name, resource_type_name):
    def change(row, document):
        items = document.get("resource_type_associations", [])
        del items[_find(items, resource_type_name, "resource type",
                        row.namespace)]
    _modify(req, namespace_name, "remove_metadef_resource_type_association",
            change)
    return wsgi.empty_response(req)


# Properties --------------------------------------------------------------------

def _property_view(name, definition):
    return dict(definition, name=name)


def list_properties(req, namespace_name):
    row = _visible(req, namespace_name)
    _read(req, "get_metadef_properties", row)
    return wsgi.json_response(req, {"properties": dict(
        (row.document or {}).get("properties") or {})})


def show_property(req, namespace_name, property_name):
    row = _visible(req, namespace_name)
    _read(req, "get_metadef_property", row)
    properties = (row.document or {}).get("properties") or {}
    name = property_name
    prefixed = req.GET.get("resource_type")
    if prefixed is not None:
        # A name with the association's prefix, as show_namespace gives it.
        prefix = next((item.get("prefix") or "" for item in (
            row.document or {}).get("resource_type_associations", [])
            if item["name"] == prefixed), "")
        if prefix and name.startswith(prefix):
            name = name[len(prefix):]
    if name not in properties:
        raise image_exception.MetadefItemNotFound(
            kind="property", name=property_name, namespace=row.namespace)
    return wsgi.json_response(req, _property_view(name, properties[name]))


def _property_body(req):
    body = _body(req, schemas.property_, "property")
    definition = dict(body)
    return definition.pop("name"), definition


def create_property(req, namespace_name):
    name, definition = _property_body(req)

    def change(row, document):
        properties = document.setdefault("properties", {})
        if name in properties:
            raise image_exception.MetadefDuplicateItem(
                kind="property", name=name, namespace=row.namespace)
        properties[name] = definition
    _modify(req, namespace_name, "add_metadef_property", change)
    return wsgi.json_response(req, _property_view(name, definition),
                              status=201)


def update_property(req, namespace_name, property_name):
    name, definition = _property_body(req)

    def change(row, document):
        properties = document.setdefault("properties", {})
        if property_name not in properties:
            raise image_exception.MetadefItemNotFound(
                kind="property", name=property_name, namespace=row.namespace)
        if name != property_name and name in properties:
            raise image_exception.MetadefDuplicateItem(
                kind="property", name=name, namespace=row.namespace)
        del properties[property_name]
        properties[name] = definition
    _modify(req, namespace_name, "modify_metadef_property", change)
    return wsgi.json_response(req, _property_view(name, definition))


def delete_property(req, namespace_name, property_name):
    def change(row, document):
        properties = document.get("properties") or {}
        if property_name not in properties:
            raise image_exception.MetadefItemNotFound(
                kind="property", name=property_name, namespace=row.namespace)
        del properties[property_name]
    _modify(req, namespace_name, "remove_metadef_property", change)
    return wsgi.empty_response(req)


def delete_properties(req, namespace_name):
    def change(row, document):
        document["properties"] = {}
    _modify(req, namespace_name, "remove_metadef_property", change)
    return wsgi.empty_response(req)


# Objects and tags: lists of named items ---------------------------------------

def _item_handlers(part, kind, schema, fields, view, rules):
    """list, show, create, update, delete and delete-all handlers of the
    named items in a namespace's ``part``."""
    get_all, get_one, add, modify, remove = rules

    def list_items(req, namespace_name):
        row = _visible(req, namespace_name)
        _read(req, get_all, row)
        body = {part: [view(row.namespace, item) for item in
                       (row.document or {}).get(part, [])]}
        body["schema"] = "/v2/schemas/metadefs/%s" % part
        return wsgi.json_response(req, body)

    def show_item(req, namespace_name, item_name):
        row = _visible(req, namespace_name)
        _read(req, get_one, row)
        items = (row.document or {}).get(part, [])
        return wsgi.json_response(req, view(row.namespace, items[
            _find(items, item_name, kind, row.namespace)]))

    def _new(req, name=None):
        body = (_valid({"name": name}, schema, kind) if name is not None
                else _body(req, schema, kind))
        return {key: value for key, value in body.items() if key in fields}

    def _insert(req, namespace_name, item):
        def change(row, document):
            items = document.setdefault(part, [])
            if any(old["name"] == item["name"] for old in items):
                raise image_exception.MetadefDuplicateItem(
                    kind=kind, name=item["name"], namespace=row.namespace)
            items.append(_stamped(item))
            return items[-1]
        saved = _modify(req, namespace_name, add, change)
        return wsgi.json_response(req, view(namespace_name, saved),
                                  status=201)

    def create_item(req, namespace_name):
        return _insert(req, namespace_name, _new(req))

    def create_named_item(req, namespace_name, item_name):
        return _insert(req, namespace_name, _new(req, item_name))

    def update_item(req, namespace_name, item_name):
        item = _new(req)

        def change(row, document):
            items = document.setdefault(part, [])
            index = _find(items, item_name, kind, row.namespace)
            if item["name"] != item_name and any(
                    old["name"] == item["name"] for old in items):
                raise image_exception.MetadefDuplicateItem(
                    kind=kind, name=item["name"], namespace=row.namespace)
            items[index] = _stamped(item, items[index])
            return items[index]
        saved = _modify(req, namespace_name, modify, change)
        return wsgi.json_response(req, view(namespace_name, saved))

    def delete_item(req, namespace_name, item_name):
        def change(row, document):
            items = document.get(part, [])
            del items[_find(items, item_name, kind, row.namespace)]
        _modify(req, namespace_name, remove, change)
        return wsgi.empty_response(req)

    def delete_items(req, namespace_name):
        def change(row, document):
            document[part] = []
        _modify(req, namespace_name, remove, change)
        return wsgi.empty_response(req)

    handlers = (list_items, show_item, create_item, create_named_item,
                update_item, delete_item, delete_items)
    # Their own names: the OpenAPI operation ids.
    names = ("list_%s" % part, "show_%s" % kind, "create_%s" % kind,
             "create_%s" % kind, "update_%s" % kind,
             "delete_%s" % kind, "delete_%s" % part)
    for handler, name in zip(handlers, names):
        handler.__name__ = handler.__qualname__ = name
    return handlers


(list_objects, show_object, create_object, _,
 update_object, delete_object, delete_objects) = _item_handlers(
    "objects", "object", schemas.object_,
    ("name", "description", "required", "properties"), _object_view,
    ("get_metadef_objects", "get_metadef_object", "add_metadef_object",
     "modify_metadef_object", "delete_metadef_object"))

(list_tags, show_tag, _, create_tag, update_tag, delete_tag,
 delete_tags) = _item_handlers(
    "tags", "tag", schemas.tag, ("name",),
    lambda namespace, item: _tag_view(item),
    ("get_metadef_tags", "get_metadef_tag", "add_metadef_tag",
     "modify_metadef_tag", "delete_metadef_tag"))
