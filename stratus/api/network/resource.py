"""A Neutron resource as data, and the five handlers every resource shares.

A resource is its attributes, as Neutron's attribute map has them: which
ones POST and PUT may set, their defaults and validation, which ones a
policy guards (``create_<resource>:<attribute>``, ``get_...``,
``update_...``), which ones filter and sort a list. The handlers do what
Neutron's API layer does for any resource:

- POST: ``{"network": {...}}`` or a bulk ``{"networks": [...]}``; unknown
  attributes, read-only ones, missing required ones and invalid values
  are 400; the create policy with the request's values as target, then
  the policy of each guarded attribute given;
- GET: filters from the query string (any filterable attribute, several
  values of one meaning any of them; unknown ones are 400), ``fields``,
  ``sort_key``/``sort_dir``, ``limit``/``marker``/``page_reverse`` with
  ``<collection>_links``; each item shown only if ``get_<resource>``
  allows it, without the guarded attributes the caller may not read;
- PUT: as POST, one resource; DELETE: 204.

A resource the caller may not see is 404, as in Neutron; one it may see
but not change is 403.
"""
import urllib.parse

import jsonschema

from stratus.api import errors
from stratus.api import wsgi
from stratus.network import exception as net_exception

REQUIRED = object()


class Attribute:
    """One attribute of a resource.

    post/put: whether POST/PUT may set it; default: its value when POST
    leaves it out (REQUIRED: POST must give it); schema: JSON Schema of a
    value given; convert: applied to a given value (and to filter values
    from the query string) before the schema; policy: guarded by
    ``<verb>_<resource>:<name>`` rules; filter/sort: usable in a list;
    null: what a null value given stands for (None: null itself).
    """

    def __init__(self, name, post=False, put=False, default=None,
                 schema=None, convert=None, policy=False, filter=True,
                 sort=True, null=None):
        self.name = name
        self.null = null
        self.post = post
        self.put = put
        self.default = default
        self.schema = schema
        self.convert = convert
        self.policy = policy
        self.filter = filter
        self.sort = sort


def to_boolean(value):
    """Neutron's convert_to_boolean: true/false in any case, 1/0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise errors.bad_request("'%s' cannot be converted to boolean"
                             % (errors.truncate(value, 255),))


def to_int(value):
    if isinstance(value, bool):
        raise errors.bad_request("'%s' is not an integer" % value)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise errors.bad_request("'%s' is not an integer" % (
            errors.truncate(value, 255),)) from None


BOOLEAN = {"type": "boolean"}
NAME = {"type": "string", "maxLength": 255}
DESCRIPTION = {"type": "string", "maxLength": 255}
UUID = {"type": "string", "format": "uuid",
        "pattern": "^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                   "[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"}
PROJECT_ID = {"type": "string", "maxLength": 255}


def standard_attributes():
    """The attributes every resource has."""
    return [
        Attribute("id", sort=True),
        Attribute("project_id", post=True, schema=PROJECT_ID),
        Attribute("tenant_id", post=True, schema=PROJECT_ID),
        Attribute("description", post=True, put=True, default="",
                  schema=DESCRIPTION),
        Attribute("revision_number", convert=to_int),
        Attribute("created_at"),
        Attribute("updated_at"),
        Attribute("tags", filter=False, sort=False),
    ]


# Query parameters that are not filters.
_CONTROLS = {"fields", "sort_key", "sort_dir", "limit", "marker",
             "page_reverse"}


class Resource:
    """singular/plural: the body keys (network/networks); store: the key
    of the store on ``req.app.stores``; quota: the quota resource a
    create counts against; target: extra policy target of an item
    (``target(req, item) -> dict``); check: checks across attributes,
    ``check(req, values, existing)`` (existing None on create), raising
    the 400 or 409 Neutron gives."""

    def __init__(self, singular, plural, attributes, quota=None,
                 target=None, check=None):
        self.singular = singular
        self.plural = plural
        self.attributes = {attribute.name: attribute
                           for attribute in standard_attributes() + attributes}
        self.quota = quota
        self.extra_target = target
        self.check = check

    # Requests ---------------------------------------------------------

    def store(self, req):
        return req.app.stores[self.plural]

    def _validate_value(self, attribute, value):
        if value is None and attribute.null is not None:
            value = attribute.null
        if attribute.convert is not None and value is not None:
            value = attribute.convert(value)
        if attribute.schema is not None:
            error = jsonschema.exceptions.best_match(
                jsonschema.Draft202012Validator(
                    attribute.schema,
                    format_checker=jsonschema.FormatChecker()
                ).iter_errors(value))
            if error is not None:
                raise net_exception.InvalidInput(
                    error_message="Invalid input for %s. Reason: %s" % (
                        attribute.name, errors.truncate(error.message, 255)))
        return value

    def _item_body(self, item, creating):
        if not isinstance(item, dict):
            raise errors.bad_request(
                "Invalid input for %s. Reason: must be an object."
                % self.singular)
        unknown = sorted(name for name in item if name not in self.attributes)
        if unknown:
            raise errors.bad_request("Unrecognized attribute(s) '%s'"
                                     % errors.truncate(", ".join(unknown)))
        values = {}
        for name, value in item.items():
            attribute = self.attributes[name]
            if creating and not attribute.post:
                raise errors.bad_request("Attribute '%s' not allowed in POST"
                                         % name)
            if not creating and not attribute.put:
                raise errors.bad_request("Cannot update read-only attribute %s"
                                         % name)
            values[name] = self._validate_value(attribute, value)
        return values

    def _create_values(self, req, item):
        given = self._item_body(item, creating=True)
        project = given.pop("project_id", None)
        tenant = given.pop("tenant_id", None)
        if project is not None and tenant is not None and project != tenant:
            raise errors.bad_request("'project_id' and 'tenant_id' do not "
                                     "match")
        values = dict(given, project_id=project or tenant
                      or req.context.project_id)
        for name, attribute in self.attributes.items():
            if not attribute.post or name in values or name == "tenant_id":
                continue
            if attribute.default is REQUIRED:
                raise errors.bad_request(
                    "Failed to parse request. Required attribute '%s' not "
                    "specified" % name)
            values[name] = attribute.default
        return given, values

    def _bodies(self, req, allow_bulk):
        body = req.json_document()
        if not isinstance(body, dict) or not body:
            raise errors.bad_request("Resource body required")
        if allow_bulk and self.plural in body:
            items = body[self.plural]
            if not isinstance(items, list) or not items:
                raise errors.bad_request("Resources required")
            return items, True
        if self.singular not in body:
            raise errors.bad_request("Unable to find '%s' in request body"
                                     % self.singular)
        return [body[self.singular]], False

    # Policy -------------------------------------------------------------

    def target(self, req, item):
        target = dict(item)
        target.setdefault("tenant_id", target.get("project_id"))
        if self.extra_target is not None:
            target.update(self.extra_target(req, item))
        return target

    def authorize(self, req, verb, target, given=()):
        rule = "%s_%s" % (verb, self.singular)
        if not req.can(rule, target):
            raise net_exception.PolicyNotAuthorized(action=rule)
        for name in given:
            field_rule = "%s:%s" % (rule, name)
            if self._guarded(req, name, field_rule):
                if not req.can(field_rule, target):
                    raise net_exception.PolicyNotAuthorized(action=field_rule)

    def visible_item(self, req, item):
        """The item as the caller may see it, or None."""
        target = self.target(req, item)
        if not req.can("get_%s" % self.singular, target):
            return None
        hidden = set()
        for name in item:
            field_rule = "get_%s:%s" % (self.singular, name)
            if (self._guarded(req, name, field_rule)
                    and not req.can(field_rule, target)):
                hidden.add(name)
        return {name: value for name, value in item.items()
                if name not in hidden}

    def _guarded(self, req, name, field_rule):
        """As in Neutron, an attribute is guarded by a rule of its own
        only where that rule exists."""
        attribute = self.attributes.get(name)
        return (attribute is not None and attribute.policy
                and field_rule in req.app.policy.enforcer.rules)

    def find(self, req, resource_id):
        """The item if the caller may see it; else this resource's 404."""
        item = self.store(req).get(req.context, resource_id)
        visible = self.visible_item(req, item)
        if visible is None:
            raise self.store(req).not_found(resource_id)
        return item

    # Views ----------------------------------------------------------------

    def _fields(self, req):
        return [field for field in req.GET.getall("fields") if field]

    def view(self, item, fields):
        if not fields:
            return item
        return {name: item[name] for name in fields if name in item}

    # Handlers -------------------------------------------------------------

    def list(self, req):
        filters = {}
        for name, value in req.GET.items():
            if name in _CONTROLS:
                continue
            attribute = self.attributes.get(name)
            if attribute is None or not attribute.filter:
                raise errors.bad_request("%s is invalid attribute for "
                                         "filtering" % errors.truncate(name))
            if attribute.convert is not None and value != "":
                value = attribute.convert(value)
            filters.setdefault(name, []).append(value)
        sorts = self._sorts(req)
        items = self.store(req).list(req.context, filters, sorts)
        items = [shown for shown in (self.visible_item(req, item)
                                     for item in items) if shown is not None]
        items, links = self._page(req, items)
        fields = self._fields(req)
        body = {self.plural: [self.view(item, fields) for item in items]}
        if links:
            body[self.plural + "_links"] = links
        return wsgi.json_response(req, body)

    def _sorts(self, req):
        keys = req.GET.getall("sort_key")
        directions = req.GET.getall("sort_dir")
        if directions and len(directions) != len(keys):
            raise errors.bad_request("The number of sort_keys and sort_dirs "
                                     "must be same")
        sorts = []
        for index, key in enumerate(keys):
            attribute = self.attributes.get(key)
            if attribute is None or not attribute.sort:
                raise errors.bad_request("%s is an invalid attribute for "
                                         "sort_key" % errors.truncate(key))
            direction = directions[index] if directions else "asc"
            if direction not in ("asc", "desc"):
                raise errors.bad_request("%s is an invalid value for sort_dir, "
                                         "valid values are: 'asc', 'desc'"
                                         % errors.truncate(direction))
            sorts.append((key, direction))
        return sorts

    def _page(self, req, items):
        limit = req.GET.get("limit")
        marker = req.GET.get("marker")
        reverse = to_boolean(req.GET.get("page_reverse", "false"))
        if limit is not None:
            limit = to_int(limit)
            if limit < 0:
                raise errors.bad_request("Limit must be an integer 0 or "
                                         "greater and not '%d'" % limit)
        if reverse:
            items = list(reversed(items))
        if marker:
            ids = [item["id"] for item in items]
            if marker not in ids:
                raise self.store(req).not_found(marker)
            items = items[ids.index(marker) + 1:]
        if not limit:
            return (list(reversed(items)) if reverse else items), []
        page = items[:limit]
        links = []
        base = req.host_url + req.path_info
        query = [(key, value) for key, value in req.GET.items()
                 if key not in ("marker", "page_reverse")]
        if len(items) > limit and page:
            links.append({"rel": "previous" if reverse else "next",
                          "href": base + "?" + urllib.parse.urlencode(
                              query + [("marker", page[-1]["id"])]
                              + ([("page_reverse", "True")] if reverse
                                 else []))})
        if marker and page:
            links.append({"rel": "next" if reverse else "previous",
                          "href": base + "?" + urllib.parse.urlencode(
                              query + [("marker", page[0]["id"])]
                              + ([] if reverse
                                 else [("page_reverse", "True")]))})
        return (list(reversed(page)) if reverse else page), links

    def _id(self, path):
        return path[self.singular + "_id"]

    def show(self, req, **path):
        item = self.visible_item(req, self.find(req, self._id(path)))
        return wsgi.json_response(
            req, {self.singular: self.view(item, self._fields(req))})

    def create(self, req):
        items, bulk = self._bodies(req, allow_bulk=True)
        prepared = []
        for item in items:
            given, values = self._create_values(req, item)
            # As Neutron, a value equal to the default is not "set":
            # its attribute's rule is not checked (Terraform sends
            # binding:host_id "" and the like).
            self.authorize(req, "create", self.target(req, values), {
                name: value for name, value in given.items()
                if value != self.attributes[name].default})
            if self.check is not None:
                self.check(req, values, None)
            prepared.append(values)
        if self.quota is not None:
            counts = {}
            for values in prepared:
                counts[values["project_id"]] = counts.get(
                    values["project_id"], 0) + 1
            for project_id, count in counts.items():
                req.app.quotas.enforce(project_id, self.quota, count)
        store = self.store(req)
        created = []
        try:
            for values in prepared:
                created.append(store.create(req.context, values))
        except Exception:
            # Neutron's bulk create is all or nothing.
            for item in created:
                store.delete(req.context, item["id"])
            raise
        shown = [self.visible_item(req, item) or item for item in created]
        if bulk:
            return wsgi.json_response(req, {self.plural: shown}, status=201)
        return wsgi.json_response(req, {self.singular: shown[0]}, status=201)

    def update(self, req, **path):
        resource_id = self._id(path)
        items, _ = self._bodies(req, allow_bulk=False)
        values = self._item_body(items[0], creating=False)
        item = self.find(req, resource_id)
        self.authorize(req, "update", self.target(req, dict(item, **values)),
                       values)
        if self.check is not None:
            self.check(req, values, item)
        updated = self.store(req).update(req.context, resource_id, values)
        return wsgi.json_response(
            req, {self.singular: self.visible_item(req, updated) or updated})

    def delete(self, req, **path):
        resource_id = self._id(path)
        item = self.find(req, resource_id)
        self.authorize(req, "delete", self.target(req, item))
        self.store(req).delete(req.context, resource_id)
        return wsgi.empty_response(req)

    def handlers(self):
        """(list, create, show, update, delete) handler functions; the
        path parameter of one resource is ``<singular>_id``."""
        return (self.list, self.create, self.show, self.update, self.delete)
