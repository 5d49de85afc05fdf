"""The JSON shapes of Identity v3 resources."""
from stratus.api import wsgi


def url(req, *parts):
    return "/".join([req.application_url, "v3"] + list(parts))


def collection(req, key, items):
    return wsgi.json_response(req, {
        key: items,
        "links": {"self": req.path_url, "previous": None, "next": None}})


def domain_ref(value):
    """How tokens and assignments name a domain."""
    return {"id": value.id, "name": value.name}


def domain(req, value):
    return {"id": value.id, "name": value.name,
            "description": value.description, "enabled": value.enabled,
            "tags": [], "options": {},
            "links": {"self": url(req, "domains", value.id)}}


def project(req, value):
    body = {"is_domain": False, "parent_id": value.domain_id, "tags": [],
            "options": {}}
    body.update(value.extra or {})
    body.update(id=value.id, name=value.name, domain_id=value.domain_id,
                description=value.description or "", enabled=value.enabled,
                links={"self": url(req, "projects", value.id)})
    return body


def user(req, value):
    body = dict(value.extra or {})
    body.update(id=value.id, name=value.name, domain_id=value.domain_id,
                enabled=value.enabled, password_expires_at=None, options={},
                links={"self": url(req, "users", value.id)})
    if value.default_project_id:
        body["default_project_id"] = value.default_project_id
    return body


def group(req, value):
    body = dict(value.extra or {})
    body.update(id=value.id, name=value.name, domain_id=value.domain_id,
                description=value.description or "",
                links={"self": url(req, "groups", value.id)})
    return body


def role(req, value):
    return {"id": value.id, "name": value.name, "domain_id": None,
            "description": None, "options": {},
            "links": {"self": url(req, "roles", value.id)}}


def split(fields, core, ignored):
    """(core attributes, extra attributes) of a request's user or group:
    those named in core, and the others but those ignored (Keystone keeps
    and shows them as given)."""
    fields = dict(fields)
    found = {key: fields.pop(key) for key in core if key in fields}
    for key in ignored:
        fields.pop(key, None)
    return found, fields


def truthy(value):
    """A query parameter as Keystone reads booleans: anything but
    0/false/no/off (an empty value included) is true."""
    return value.lower() not in ("0", "false", "no", "off")


def filters(req, *names):
    """The query parameters among names, ``enabled`` as a boolean."""
    found = {name: req.GET[name] for name in names if name in req.GET}
    if "enabled" in found:
        found["enabled"] = truthy(found["enabled"])
    return found
