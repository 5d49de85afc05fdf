"""Image properties → required traits: with ``[scheduler]
image_metadata_prefilter``, these image properties ask for the hosts
whose compute reports the matching trait (value upper-cased, ``-`` as
``_``), Nova's map:

=============================  ============================
``hw_cdrom_bus``               ``COMPUTE_STORAGE_BUS_<v>``
``hw_disk_bus``                ``COMPUTE_STORAGE_BUS_<v>``
``hw_video_model``             ``COMPUTE_GRAPHICS_MODEL_<v>``
``hw_vif_model``               ``COMPUTE_NET_VIF_MODEL_<v>``
``hw_architecture``            ``HW_ARCH_<v>``
``hw_emulation_architecture``  ``COMPUTE_ARCH_<v>``
``hw_viommu_model``            ``COMPUTE_VIOMMU_MODEL_<v>``
=============================  ============================

A value os-traits has no trait for is logged and asks nothing. (The
hypervisor type and VM mode have no os-traits; ImagePropertiesFilter
checks them.)"""
import logging

import os_traits

from stratus.scheduler import prefilters

LOG = logging.getLogger(__name__)
PREFIXES = (
    ("hw_cdrom_bus", "COMPUTE_STORAGE_BUS"),
    ("hw_disk_bus", "COMPUTE_STORAGE_BUS"),
    ("hw_video_model", "COMPUTE_GRAPHICS_MODEL"),
    ("hw_vif_model", "COMPUTE_NET_VIF_MODEL"),
    ("hw_architecture", "HW_ARCH"),
    ("hw_emulation_architecture", "COMPUTE_ARCH"),
    ("hw_viommu_model", "COMPUTE_VIOMMU_MODEL"),
)


def apply(ctx, conf, spec, query):
    if not conf.scheduler.image_metadata_prefilter:
        return
    query.required |= image_traits(prefilters.image_properties(spec))


def image_traits(properties):
    traits = set()
    for key, prefix in PREFIXES:
        value = properties.get(key)
        if not value:
            continue
        trait = "%s_%s" % (prefix, value.replace("-", "_").upper())
        if not hasattr(os_traits, trait):
            LOG.error("Image property %s=%s has no trait %s; ignored", key,
                      value, trait)
            continue
        traits.add(trait)
    return traits
