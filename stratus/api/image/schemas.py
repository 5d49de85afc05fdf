"""/v2/schemas: the JSON Schemas of the image documents."""
from stratus.api.schemas import image as image_schema
from stratus.api import wsgi


def show_image_schema(req):
    return wsgi.json_response(req, image_schema.image)


def show_images_schema(req):
    return wsgi.json_response(req, image_schema.images)
