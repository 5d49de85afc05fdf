"""/flavors/{id}/os-extra_specs: a flavor's extra specs, validated
against the known ones from 2.86."""
from stratus.api import errors
from stratus.api.schemas import flavor_extra_specs as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus import objects
from stratus.policies import flavor_extra_specs as policies

VALIDATION_VERSION = (2, 86)
MAX_VALUE_LENGTH = 255


def _authorize(req, action):
    req.authorize(policies.POLICY_ROOT % action,
                  {"project_id": req.context.project_id})


def _checked_specs(req, specs):
    """{key: value as a string}, values checked (2.86: against the known
    specs too)."""
    checked = {}
    for key, value in specs.items():
        text = str(value)
        if len(text) > MAX_VALUE_LENGTH:
            raise exception.InvalidInput(
                reason="extra_specs value has more than %d characters"
                % MAX_VALUE_LENGTH)
        if req.api_version >= VALIDATION_VERSION:
            schemas.validate_extra_spec(key, text)
        checked[key] = text
    return checked


def _save_specs(req, flavor_id, specs):
    flavor = objects.Flavor.get_by_flavor_id(req.context, flavor_id)
    flavor.extra_specs = dict(flavor.extra_specs, **specs)
    flavor.save()


def list_extra_specs(req, flavor_id):
    _authorize(req, "index")
    flavor = objects.Flavor.get_by_flavor_id(req.context, flavor_id)
    return wsgi.json_response(req, {"extra_specs": flavor.extra_specs})


@validation.schema(schemas.create)
def create_extra_specs(req, flavor_id):
    _authorize(req, "create")
    body = req.json_document()
    _save_specs(req, flavor_id, _checked_specs(req, body["extra_specs"]))
    return wsgi.json_response(req, body)


def _spec_not_found(flavor_id, key):
    return exception.FlavorExtraSpecNotFound(flavor_id=flavor_id,
                                             extra_specs_key=key)


def show_extra_spec(req, flavor_id, key):
    _authorize(req, "show")
    flavor = objects.Flavor.get_by_flavor_id(req.context, flavor_id)
    if key not in flavor.extra_specs:
        raise _spec_not_found(flavor_id, key)
    return wsgi.json_response(req, {key: flavor.extra_specs[key]})


@validation.schema(schemas.update)
def update_extra_spec(req, flavor_id, key):
    _authorize(req, "update")
    body = req.json_document()
    if key not in body:
        raise errors.bad_request("Request body and URI mismatch")
    _save_specs(req, flavor_id, _checked_specs(req, body))
    return wsgi.json_response(req, body)


def delete_extra_spec(req, flavor_id, key):
    _authorize(req, "delete")
    flavor = objects.Flavor.get_by_flavor_id(req.context, flavor_id)
    if key not in flavor.extra_specs:
        raise _spec_not_found(flavor_id, key)
    del flavor.extra_specs[key]
    flavor.save()
    return wsgi.empty_response(req, status=200)
