"""/resource_classes and /resource_classes/{name} (1.2; PUT creates from
1.7)."""
import re

from stratus.api.placement import util
from stratus.api.schemas import placement as schemas
from stratus.api import wsgi
from stratus.placement import exception
from stratus.placement import resource_classes

_CUSTOM = re.compile(r"^CUSTOM_[A-Z0-9_]+$")


def _require_1_2(req):
    if not util.wants(req, 2):
        raise util.http_error(404, "The resource could not be found.")


def _view(req, name):
    return {"name": name, "links": [{
        "rel": "self", "href": util.link(req, "/resource_classes/%s" % name)}]}


def list_resource_classes(req):
    _require_1_2(req)
    req.authorize("placement:resource_classes:list")
    return wsgi.json_response(req, {"resource_classes": [
        _view(req, name) for name in resource_classes.list_classes(
            req.context)]})


def create_resource_class(req):
    _require_1_2(req)
    req.authorize("placement:resource_classes:create")
    name = util.json_body(req, schemas.POST_RESOURCE_CLASS)["name"]
    resource_classes.create_class(req.context, name)
    return wsgi.empty_response(req, 201, headers={
        "Location": util.link(req, "/resource_classes/%s" % name)})


def get_resource_class(req, name):
    _require_1_2(req)
    req.authorize("placement:resource_classes:show")
    if not resource_classes.class_exists(req.context, name):
        raise exception.ResourceClassNotFound(name=name)
    return wsgi.json_response(req, _view(req, name))


def update_resource_class(req, name):
    _require_1_2(req)
    req.authorize("placement:resource_classes:update")
    if util.wants(req, 7):
        if not _CUSTOM.match(name) or len(name) > 255:
            raise util.http_error(400, "Invalid resource class name %s: it "
                                  "must start with CUSTOM_ and use only "
                                  "A-Z, 0-9 and _." % name)
        if resource_classes.class_exists(req.context, name):
            return wsgi.empty_response(req, 204)
        try:
            resource_classes.create_class(req.context, name)
        except exception.ResourceClassExists:
            return wsgi.empty_response(req, 204)
        return wsgi.empty_response(req, 201, headers={
            "Location": util.link(req, "/resource_classes/%s" % name)})
    new_name = util.json_body(req, schemas.POST_RESOURCE_CLASS)["name"]
    resource_classes.rename_class(req.context, name, new_name)
    return wsgi.json_response(req, _view(req, new_name))


def delete_resource_class(req, name):
    _require_1_2(req)
    req.authorize("placement:resource_classes:delete")
    resource_classes.delete_class(req.context, name)
    return wsgi.empty_response(req)
