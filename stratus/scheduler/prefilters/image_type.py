"""Image type support: with ``[scheduler]
query_placement_for_image_type_support``, a server booted from an image
asks for hosts with ``COMPUTE_IMAGE_TYPE_<DISK_FORMAT>`` (computes report
the formats their driver boots, see docs/scheduler.md). A volume-backed
server, an image without a disk format, or a format os-traits has no
trait for (logged) asks nothing, as in Nova."""
import logging

import os_traits

LOG = logging.getLogger(__name__)
PREFIX = "COMPUTE_IMAGE_TYPE_"


def apply(ctx, conf, spec, query):
    if not conf.scheduler.query_placement_for_image_type_support:
        return
    image = spec.get("image")
    if spec.get("is_bfv") or image is None:
        return
    disk_format = image.get("disk_format")
    if not disk_format:
        return
    trait = PREFIX + disk_format.upper()
    if not hasattr(os_traits, trait):
        LOG.error("Computed trait name %r is not valid; is os-traits up "
                  "to date?", trait)
        return
    query.required.add(trait)
