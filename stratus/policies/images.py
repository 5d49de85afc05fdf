"""The image proxy APIs (max 2.35, metadata max 2.38).

Nova leaves these to the image service's own access control; Stratus adds
rules so that operators can restrict the proxy, with defaults that let any
project reader look and any project member change.
"""
from stratus.policies import base

POLICY_ROOT = "os_compute_api:images:%s"
METADATA_ROOT = "os_compute_api:image-metadata:%s"


def list_rules():
    return [
        base.rule(POLICY_ROOT % "index", base.PROJECT_READER_OR_ADMIN,
                  "List images through the compute API",
                  [("GET", "/images"), ("GET", "/images/detail")]),
        base.rule(POLICY_ROOT % "show", base.PROJECT_READER_OR_ADMIN,
                  "Show an image through the compute API",
                  [("GET", "/images/{image_id}")]),
        base.rule(POLICY_ROOT % "delete", base.PROJECT_MEMBER_OR_ADMIN,
                  "Delete an image through the compute API",
                  [("DELETE", "/images/{image_id}")]),
        base.rule(METADATA_ROOT % "index", base.PROJECT_READER_OR_ADMIN,
                  "Show image metadata through the compute API",
                  [("GET", "/images/{image_id}/metadata"),
                   ("GET", "/images/{image_id}/metadata/{key}")]),
        base.rule(METADATA_ROOT % "update", base.PROJECT_MEMBER_OR_ADMIN,
                  "Change image metadata through the compute API",
                  [("POST", "/images/{image_id}/metadata"),
                   ("PUT", "/images/{image_id}/metadata"),
                   ("PUT", "/images/{image_id}/metadata/{key}"),
                   ("DELETE", "/images/{image_id}/metadata/{key}")]),
    ]
