"""The built-in Image API on one screen: URL -> {METHOD: handler}.

HEAD is served by the GET handler (webob drops the body).
"""
from stratus.api import wsgi

ROUTES = {
    "/": {"GET": "versions:list_versions"},
    "/versions": {"GET": "versions:show_versions"},
    "/openapi.json": {"GET": "openapi:show_openapi"},
    "/v2/images": {"GET": "images:list_images", "POST": "images:create_image"},
    "/v2/images/{image_id}": {"GET": "images:show_image",
                              "PATCH": "images:update_image",
                              "DELETE": "images:delete_image"},
    "/v2/images/{image_id}/file": {"PUT": "image_data:upload_image_data",
                                   "GET": "image_data:download_image_data"},
    "/v2/images/{image_id}/tags/{tag}": {
        "PUT": "image_tags:add_image_tag",
        "DELETE": "image_tags:delete_image_tag"},
    "/v2/schemas/image": {"GET": "schemas:show_image_schema"},
    "/v2/schemas/images": {"GET": "schemas:show_images_schema"},
}

# Routes served without authentication; the OpenAPI document is as public
# as the version documents (docs/openapi.md).
PUBLIC = {"/", "/versions", "/openapi.json"}


def resolve():
    return wsgi.resolve_routes(ROUTES, "stratus.api.image")
