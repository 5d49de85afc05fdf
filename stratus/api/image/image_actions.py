"""/v2/images/{image_id}/actions/deactivate and .../reactivate, as Glance:
a deactivated image keeps its data, but only an administrator may
download it and no server boots from it (the compute API refuses an
image that is not active) until it is reactivated."""
from stratus.api.image import access
from stratus.api import wsgi
from stratus.image import exception as image_exception

# action -> (from status, to status); each is idempotent, as in Glance.
_MOVES = {"deactivate": ("active", "deactivated"),
          "reactivate": ("deactivated", "active")}


def _act(req, image_id, action):
    current, wanted = _MOVES[action]

    def change(image):
        access.authorize(req, action, access.target(image))
        if image.status not in (current, wanted):
            raise image_exception.ImageActionForbidden(
                action=action, status=image.status)
        image.status = wanted
    req.app.store.update(req.context, image_id, change)
    return wsgi.empty_response(req)


def deactivate_image(req, image_id):
    return _act(req, image_id, "deactivate")


def reactivate_image(req, image_id):
    return _act(req, image_id, "reactivate")
