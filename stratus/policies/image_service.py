"""Default policies of the built-in image service: Glance's rule names and
defaults (reader reads, member changes its project's images, admin does
everything; only an admin makes an image public).

These are not Compute API rules: the image app has an enforcer of its own
(an operator's policy file may name Glance's rules beside Nova's). The
target of a rule on an image is the image: ``project_id`` is its owner, as
in Glance; for add_image, ``project_id`` is the caller's project and
``owner`` the new image's.
"""
from stratus.policies import base

ADMIN = "role:admin"
PROJECT_MEMBER = "role:member and project_id:%(project_id)s"
PROJECT_READER = "role:reader and project_id:%(project_id)s"
ADMIN_OR_PROJECT_MEMBER = "role:admin or (%s)" % PROJECT_MEMBER
ADMIN_OR_PROJECT_READER = "role:admin or (%s)" % PROJECT_READER
_VISIBLE = ('(project_id:%(project_id)s or "community":%(visibility)s '
            'or "public":%(visibility)s or "shared":%(visibility)s)')
ADMIN_OR_READER_OF_VISIBLE = "role:admin or (role:reader and %s)" % _VISIBLE
ADMIN_OR_MEMBER_OF_VISIBLE = "role:admin or (role:member and %s)" % _VISIBLE
ADMIN_OR_PROJECT_MEMBER_CREATE = (
    "role:admin or (%s and project_id:%%(owner)s)" % PROJECT_MEMBER)

# Metadata definitions: readers read public namespaces and their own
# project's; only an administrator changes the catalogue.
_PUBLIC_NAMESPACE = ('(project_id:%(project_id)s or '
                     '"public":%(visibility)s)')
ADMIN_OR_READER_OF_NAMESPACE = "role:admin or (role:reader and %s)" % (
    _PUBLIC_NAMESPACE)
_NS = "/v2/metadefs/namespaces/{namespace_name}"

_IMAGES = "/v2/images"
_IMAGE = "/v2/images/{image_id}"
_FILE = "/v2/images/{image_id}/file"


def list_rules():
    return [
        base.rule("get_images", ADMIN_OR_PROJECT_READER,
              "List the images the caller may see", [("GET", _IMAGES)]),
        base.rule("get_image", ADMIN_OR_READER_OF_VISIBLE, "Show an image",
              [("GET", _IMAGE)]),
        base.rule("add_image", ADMIN_OR_PROJECT_MEMBER_CREATE,
              "Create an image", [("POST", _IMAGES)]),
        base.rule("modify_image", ADMIN_OR_PROJECT_MEMBER,
              "Change an image (attributes, properties, tags)",
              [("PATCH", _IMAGE),
               ("PUT", _IMAGE + "/tags/{tag}"),
               ("DELETE", _IMAGE + "/tags/{tag}")]),
        base.rule("publicize_image", ADMIN, "Make an image public",
              [("POST", _IMAGES), ("PATCH", _IMAGE)]),
        base.rule("communitize_image", ADMIN_OR_PROJECT_MEMBER,
              "Make an image a community image",
              [("POST", _IMAGES), ("PATCH", _IMAGE)]),
        base.rule("delete_image", ADMIN_OR_PROJECT_MEMBER, "Delete an image",
              [("DELETE", _IMAGE)]),
        base.rule("upload_image", ADMIN_OR_PROJECT_MEMBER,
              "Upload an image's data", [("PUT", _FILE)]),
        base.rule("download_image", ADMIN_OR_MEMBER_OF_VISIBLE,
              "Download an image's data", [("GET", _FILE)]),
        base.rule("deactivate", ADMIN_OR_PROJECT_MEMBER,
              "Deactivate an image",
              [("POST", _IMAGE + "/actions/deactivate")]),
        base.rule("reactivate", ADMIN_OR_PROJECT_MEMBER,
              "Reactivate an image",
              [("POST", _IMAGE + "/actions/reactivate")]),
    ] + _metadef_rules()


def _metadef_rules():
    reads = (
        ("get_metadef_namespaces", ADMIN_OR_PROJECT_READER,
         "List metadata definition namespaces",
         [("GET", "/v2/metadefs/namespaces")]),
        ("get_metadef_namespace", ADMIN_OR_READER_OF_NAMESPACE,
         "Show a namespace", [("GET", _NS)]),
        ("list_metadef_resource_types", ADMIN_OR_READER_OF_NAMESPACE,
         "List resource types", [("GET", "/v2/metadefs/resource_types")]),
        ("get_metadef_resource_type", ADMIN_OR_READER_OF_NAMESPACE,
         "List a namespace's resource type associations",
         [("GET", _NS + "/resource_types")]),
        ("get_metadef_properties", ADMIN_OR_READER_OF_NAMESPACE,
         "List a namespace's properties", [("GET", _NS + "/properties")]),
        ("get_metadef_property", ADMIN_OR_READER_OF_NAMESPACE,
         "Show a property", [("GET", _NS + "/properties/{property_name}")]),
        ("get_metadef_objects", ADMIN_OR_READER_OF_NAMESPACE,
         "List a namespace's objects", [("GET", _NS + "/objects")]),
        ("get_metadef_object", ADMIN_OR_READER_OF_NAMESPACE,
         "Show an object", [("GET", _NS + "/objects/{item_name}")]),
        ("get_metadef_tags", ADMIN_OR_READER_OF_NAMESPACE,
         "List a namespace's tags", [("GET", _NS + "/tags")]),
        ("get_metadef_tag", ADMIN_OR_READER_OF_NAMESPACE,
         "Show a tag", [("GET", _NS + "/tags/{item_name}")]),
    )
    writes = (
        ("add_metadef_namespace", "Create a namespace",
         [("POST", "/v2/metadefs/namespaces")]),
        ("modify_metadef_namespace", "Change a namespace", [("PUT", _NS)]),
        ("delete_metadef_namespace", "Delete a namespace",
         [("DELETE", _NS)]),
        ("add_metadef_resource_type_association",
         "Associate a resource type with a namespace",
         [("POST", _NS + "/resource_types")]),
        ("remove_metadef_resource_type_association",
         "Remove a resource type association",
         [("DELETE", _NS + "/resource_types/{resource_type_name}")]),
        ("add_metadef_property", "Create a property",
         [("POST", _NS + "/properties")]),
        ("modify_metadef_property", "Change a property",
         [("PUT", _NS + "/properties/{property_name}")]),
        ("remove_metadef_property", "Delete properties",
         [("DELETE", _NS + "/properties/{property_name}"),
          ("DELETE", _NS + "/properties")]),
        ("add_metadef_object", "Create an object",
         [("POST", _NS + "/objects")]),
        ("modify_metadef_object", "Change an object",
         [("PUT", _NS + "/objects/{item_name}")]),
        ("delete_metadef_object", "Delete objects",
         [("DELETE", _NS + "/objects/{item_name}"),
          ("DELETE", _NS + "/objects")]),
        ("add_metadef_tag", "Create a tag",
         [("POST", _NS + "/tags/{item_name}")]),
        ("modify_metadef_tag", "Change a tag",
         [("PUT", _NS + "/tags/{item_name}")]),
        ("delete_metadef_tag", "Delete tags",
         [("DELETE", _NS + "/tags/{item_name}"), ("DELETE", _NS + "/tags")]),
    )
    return ([base.rule(name, check, description, operations)
             for name, check, description, operations in reads]
            + [base.rule(name, ADMIN, description, operations)
               for name, description, operations in writes])
