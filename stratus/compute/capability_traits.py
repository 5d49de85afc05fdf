"""The COMPUTE_* traits a compute reports on its nodes' resource
providers, derived from its driver as Nova derives them from a driver's
``capabilities`` (``CAPABILITY_TRAITS_MAP``).

- Each capability interface the driver implements
  (``stratus.virt.driver.capabilities``) stands for the traits of
  CAPABILITY_TRAITS (``interface_hotplug`` → ``COMPUTE_NET_ATTACH_INTERFACE``).
- Features without operations of their own are driver attributes
  (FEATURE_TRAITS): ``device_tagging``, ``trusted_certs``,
  ``volume_backed_rescue``, ``volume_multiattach``, ``volume_extend``
  (``volume_attach`` with ``device_tagging`` adds
  ``COMPUTE_VOLUME_ATTACH_WITH_TAG``); ``image_types`` (the disk formats the
  driver boots → ``COMPUTE_IMAGE_TYPE_*``) and ``guest_devices`` (buses
  and device models guests can have: ``COMPUTE_STORAGE_BUS_*``,
  ``COMPUTE_NET_VIF_MODEL_*``, ``COMPUTE_GRAPHICS_MODEL_*``).
- Each node adds ``HW_ARCH_<arch>`` and ``COMPUTE_ARCH_<arch>`` for the
  architectures of its supported instances.

The compute owns these traits (OWNED_PREFIXES and the named ones): the
conductor adds those it reports and removes the others it no longer
does; any other trait an operator set on the provider (``CUSTOM_*``,
``HW_CPU_*``...) is kept.
"""
import json

import os_traits

from stratus.virt import driver as virt_driver

CAPABILITY_TRAITS = {
    "interface_hotplug": (os_traits.COMPUTE_NET_ATTACH_INTERFACE,),
}
FEATURE_TRAITS = {
    "device_tagging": os_traits.COMPUTE_DEVICE_TAGGING,
    "trusted_certs": os_traits.COMPUTE_TRUSTED_CERTS,
    "volume_backed_rescue": os_traits.COMPUTE_RESCUE_BFV,
    "volume_multiattach": os_traits.COMPUTE_VOLUME_MULTI_ATTACH,
    "volume_extend": os_traits.COMPUTE_VOLUME_EXTEND,
}
# Both: interfaces can be attached with a tag.
TAGGED_ATTACH = os_traits.COMPUTE_NET_ATTACH_INTERFACE_WITH_TAG
# Volumes attached with a tag: volume_attach and device_tagging.
TAGGED_VOLUME_ATTACH = os_traits.COMPUTE_VOLUME_ATTACH_WITH_TAG
IMAGE_TYPE_PREFIX = "COMPUTE_IMAGE_TYPE_"
OWNED_PREFIXES = (IMAGE_TYPE_PREFIX, "COMPUTE_STORAGE_BUS_",
                  "COMPUTE_NET_VIF_MODEL_", "COMPUTE_GRAPHICS_MODEL_",
                  "HW_ARCH_", "COMPUTE_ARCH_")
OWNED = frozenset(
    [trait for traits in CAPABILITY_TRAITS.values() for trait in traits]
    + list(FEATURE_TRAITS.values()) + [TAGGED_ATTACH, TAGGED_VOLUME_ATTACH])


def driver_traits(driver):
    """Sorted trait names of what the driver can do (the same for every
    node of the host)."""
    traits = set()
    capabilities = virt_driver.capabilities(driver)
    for capability in capabilities:
        traits.update(CAPABILITY_TRAITS.get(capability, ()))
    for attribute, trait in FEATURE_TRAITS.items():
        if getattr(driver, attribute, False):
            traits.add(trait)
    if "interface_hotplug" in capabilities and getattr(
            driver, "device_tagging", False):
        traits.add(TAGGED_ATTACH)
    if "volume_attach" in capabilities and getattr(
            driver, "device_tagging", False):
        traits.add(TAGGED_VOLUME_ATTACH)
    traits.update(_known(IMAGE_TYPE_PREFIX + image_type.upper()
                         for image_type in getattr(driver, "image_types",
                                                   ())))
    traits.update(_known(getattr(driver, "guest_devices", ())))
    return sorted(traits)


def node_traits(host_traits, node):
    """The host's traits plus the node's architecture traits (from its
    supported_instances)."""
    traits = set(host_traits)
    try:
        supported = json.loads(node.get("supported_instances") or "[]")
    except ValueError:
        supported = []
    for entry in supported:
        if isinstance(entry, (list, tuple)) and entry:
            arch = str(entry[0]).upper()
            traits.update(_known(["HW_ARCH_" + arch, "COMPUTE_ARCH_" + arch]))
    return traits


def owned(name):
    """Whether the compute manages this trait (adds and removes it)."""
    return name in OWNED or name.startswith(OWNED_PREFIXES)


def _known(names):
    return {name for name in names if hasattr(os_traits, name)}
