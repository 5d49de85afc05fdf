"""The built-in Image API on one screen: URL -> {METHOD: handler}.

HEAD is served by the GET handler (webob drops the body).
"""
from stratus.api import wsgi

_NS = "/v2/metadefs/namespaces/{namespace_name}"

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
    "/v2/images/{image_id}/actions/deactivate": {
        "POST": "image_actions:deactivate_image"},
    "/v2/images/{image_id}/actions/reactivate": {
        "POST": "image_actions:reactivate_image"},
    "/v2/images/{image_id}/tags/{tag}": {
        "PUT": "image_tags:add_image_tag",
        "DELETE": "image_tags:delete_image_tag"},
    "/v2/schemas/image": {"GET": "schemas:show_image_schema"},
    "/v2/schemas/images": {"GET": "schemas:show_images_schema"},
    # Metadata definitions (metadefs)
    "/v2/schemas/metadefs/{schema_name}": {"GET": "metadefs:show_schema"},
    "/v2/metadefs/resource_types": {"GET": "metadefs:list_resource_types"},
    "/v2/metadefs/namespaces": {"GET": "metadefs:list_namespaces",
                                "POST": "metadefs:create_namespace"},
    _NS: {"GET": "metadefs:show_namespace",
          "PUT": "metadefs:update_namespace",
          "DELETE": "metadefs:delete_namespace"},
    _NS + "/resource_types": {
        "GET": "metadefs:list_namespace_resource_types",
        "POST": "metadefs:add_namespace_resource_type"},
    _NS + "/resource_types/{resource_type_name}": {
        "DELETE": "metadefs:remove_namespace_resource_type"},
    _NS + "/properties": {"GET": "metadefs:list_properties",
                          "POST": "metadefs:create_property",
                          "DELETE": "metadefs:delete_properties"},
    _NS + "/properties/{property_name}": {
        "GET": "metadefs:show_property",
        "PUT": "metadefs:update_property",
        "DELETE": "metadefs:delete_property"},
    _NS + "/objects": {"GET": "metadefs:list_objects",
                       "POST": "metadefs:create_object",
                       "DELETE": "metadefs:delete_objects"},
    _NS + "/objects/{item_name}": {"GET": "metadefs:show_object",
                                   "PUT": "metadefs:update_object",
                                   "DELETE": "metadefs:delete_object"},
    _NS + "/tags": {"GET": "metadefs:list_tags",
                    "DELETE": "metadefs:delete_tags"},
    _NS + "/tags/{item_name}": {"GET": "metadefs:show_tag",
                                "POST": "metadefs:create_tag",
                                "PUT": "metadefs:update_tag",
                                "DELETE": "metadefs:delete_tag"},
}

# Routes served without authentication; the OpenAPI document is as public
# as the version documents (docs/openapi.md).
PUBLIC = {"/", "/versions", "/openapi.json"}


def resolve():
    return wsgi.resolve_routes(ROUTES, "stratus.api.image")
