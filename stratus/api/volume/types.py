"""/v3/types: volume types (list, show, the default: Cinder's show of id
"default" at every version, which cinderclient's types.default() and
Horizon's volume form ask at 3.0; create, update,
delete for administrators) and their extra specs."""
from stratus.api import wsgi
from stratus.api.volume import validation
from stratus.api.volume import views
from stratus.volume import exception as vol_exception


def _render(req, volume_type, status=200):
    return wsgi.json_response(req, {"volume_type": views.volume_type(
        req, volume_type)}, status=status)


def list_types(req):
    req.authorize("volume_extension:type_get_all")
    is_public = True
    if req.context.is_admin:
        is_public = None
        if "is_public" in req.GET and req.GET["is_public"].lower() != "none":
            is_public = validation.boolean(req.GET["is_public"], "is_public")
    return wsgi.json_response(req, {"volume_types": [
        views.volume_type(req, volume_type)
        for volume_type in req.app.types.list(is_public)]})


def _get(req, type_id):
    volume_type = req.app.types.get(type_id)
    if not volume_type["is_public"] and not req.context.is_admin:
        raise vol_exception.VolumeTypeNotFound(volume_type_id=type_id)
    return volume_type


def show_type(req, type_id):
    req.authorize("volume_extension:type_get")
    return _render(req, _get(req, type_id))


def show_type_encryption(req, type_id):
    """A type's encryption: none, as no type is encrypted here (Cinder's
    empty object; Horizon's Volume Types panel reads it per type)."""
    req.authorize("volume_extension:volume_type_encryption:get")
    _get(req, type_id)
    return wsgi.json_response(req, {})


def show_default_type(req):
    req.authorize("volume_extension:type_get")
    return _render(req, req.app.default_type())


def _specs(value):
    if not isinstance(value, dict):
        raise validation.bad("extra_specs must be an object.")
    for key, item in value.items():
        if not key or len(key) > 255:
            raise validation.bad("extra_specs keys must have 1 to 255 "
                                 "characters.")
        if isinstance(item, bool):
            value[key] = str(item)
        elif not isinstance(item, str) or len(item) > 255:
            raise validation.bad("extra_specs values must be strings of up "
                                 "to 255 characters.")
    return dict(value)


def create_type(req):
    req.authorize("volume_extension:types_manage")
    body = validation.body_of(req, "volume_type")
    name = validation.string(body.get("name"), "name", null=False).strip()
    if not name:
        raise validation.bad("Volume type name can not be empty.")
    description = validation.string(body.get("description"), "description")
    is_public = validation.boolean(body.get(
        "os-volume-type-access:is_public", body.get("is_public", True)),
        "is_public")
    specs = _specs(body.get("extra_specs") or {})
    return _render(req, req.app.types.create(name, description, is_public,
                                             specs))


def update_type(req, type_id):
    req.authorize("volume_extension:types_manage")
    body = validation.body_of(req, "volume_type")
    values = {}
    if body.get("name") is not None:
        values["name"] = validation.string(body["name"], "name").strip()
        if not values["name"]:
            raise validation.bad("Volume type name can not be empty.")
    if "description" in body:
        values["description"] = validation.string(body["description"],
                                                  "description")
    if "is_public" in body:
        values["is_public"] = validation.boolean(body["is_public"],
                                                 "is_public")
    if not values:
        raise validation.bad("Specify volume type name, description, "
                             "is_public or a combination thereof.")
    return _render(req, req.app.types.update(type_id, values))


def delete_type(req, type_id):
    req.authorize("volume_extension:types_manage")
    volume_type = req.app.types.get(type_id)
    if volume_type["name"] == req.app.conf.cinder.default_volume_type:
        raise vol_exception.InvalidVolumeType(reason=(
            "Default volume type can not be deleted."))
    req.app.types.delete(type_id)
    return wsgi.empty_response(req, status=202)


def list_extra_specs(req, type_id):
    req.authorize("volume_extension:types_extra_specs:index")
    return wsgi.json_response(req, {"extra_specs": dict(
        _get(req, type_id)["extra_specs"])})


def create_extra_specs(req, type_id):
    req.authorize("volume_extension:types_extra_specs:create")
    specs = _specs(validation.body_of(req, "extra_specs"))
    req.app.types.set_extra_specs(type_id, specs)
    return wsgi.json_response(req, {"extra_specs": specs})


def show_extra_spec(req, type_id, key):
    req.authorize("volume_extension:types_extra_specs:show")
    specs = _get(req, type_id)["extra_specs"]
    if key not in specs:
        raise vol_exception.VolumeTypeExtraSpecsNotFound(
            volume_type_id=type_id, extra_specs_key=key)
    return wsgi.json_response(req, {key: specs[key]})


def update_extra_spec(req, type_id, key):
    req.authorize("volume_extension:types_extra_specs:update")
    body = req.json_document()
    if not isinstance(body, dict) or len(body) != 1 or key not in body:
        raise validation.bad("Request body and URI mismatch")
    specs = _specs(body)
    req.app.types.set_extra_specs(type_id, specs)
    return wsgi.json_response(req, specs)


def delete_extra_spec(req, type_id, key):
    req.authorize("volume_extension:types_extra_specs:delete")
    req.app.types.delete_extra_spec(type_id, key)
    return wsgi.empty_response(req, status=202)
