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
    ]
