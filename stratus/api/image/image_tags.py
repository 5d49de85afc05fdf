"""/v2/images/{image_id}/tags/{tag}."""
from stratus.api.image import access
from stratus.api.schemas import image as image_schema
from stratus.api import wsgi
from stratus import exception
from stratus.image import exception as image_exception

_MAX_TAG_LENGTH = image_schema.WRITABLE["tags"]["items"]["maxLength"]


def add_image_tag(req, image_id, tag):
    if len(tag) > _MAX_TAG_LENGTH:
        raise exception.Invalid("Image tag is longer than %d characters."
                                % _MAX_TAG_LENGTH)

    def add(image):
        access.authorize(req, "modify_image", access.target(image))
        if tag not in (image.tags or []):
            image.tags = list(image.tags or []) + [tag]
    req.app.store.update(req.context, image_id, add)
    return wsgi.empty_response(req)


def delete_image_tag(req, image_id, tag):
    def remove(image):
        access.authorize(req, "modify_image", access.target(image))
        if tag not in (image.tags or []):
            raise image_exception.TagNotFound(tag=tag, image_id=image_id)
        image.tags = [kept for kept in image.tags if kept != tag]
    req.app.store.update(req.context, image_id, remove)
    return wsgi.empty_response(req)
