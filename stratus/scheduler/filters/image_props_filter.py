"""ImagePropertiesFilter: the host can run what the image asks for.

The image's architecture (``hw_architecture``, or the legacy
``architecture``), hypervisor type (``img_hv_type`` / ``hypervisor_type``)
and VM mode (``hw_vm_mode`` / ``vm_mode``) must together appear in one of
the ``(architecture, hypervisor type, vm mode)`` entries the host reports
as supported instances, and the host's hypervisor version must satisfy
``img_hv_requested_version`` (``hypervisor_version_requires``), e.g.
``>=6.0,<6.2``. An image asking none of these runs anywhere; a host that
reports no supported instances runs only such images.
"""
import operator
import re

# Names Nova's ImageMeta canonicalizes to the same value.
_ARCHITECTURE_ALIASES = {"amd64": "x86_64", "x64": "x86_64",
                         "x86_32": "i686", "i386": "i686", "i486": "i686",
                         "i586": "i686", "x86": "i686", "arm64": "aarch64",
                         "ppc64el": "ppc64le"}
_HV_TYPE_ALIASES = {"xapi": "xen"}
_VM_MODE_ALIASES = {"pv": "xen", "hv": "hvm", "baremetal": "hvm"}
_COMPARISONS = {"<": operator.lt, "<=": operator.le, "==": operator.eq,
                "!=": operator.ne, ">": operator.gt, ">=": operator.ge}
_CLAUSE = re.compile(r"^\s*(<=|>=|==|!=|<|>)\s*([0-9]+(?:\.[0-9]+)*)\s*$")


class ImagePropertiesFilter:

    def __init__(self, conf):
        pass

    def for_request(self, ctx, spec):
        properties = _properties(spec)
        if not (any(requested(properties))
                or _version_requirement(properties)):
            return None
        return self

    def host_passes(self, host_state, spec, resources):
        properties = _properties(spec)
        wanted = requested(properties)
        version_required = _version_requirement(properties)
        if any(wanted):
            supported = host_state.supported_instances
            if not any(all(part is None or part in entry for part in wanted)
                       for entry in supported):
                return False
        version = host_state.hypervisor_version
        if version_required and version:
            return version_satisfies(version, version_required)
        return True


def _properties(spec):
    image = spec.get("image")
    return (image.get("properties") or {}) if image is not None else {}


def _first(properties, *names):
    for name in names:
        value = properties.get(name)
        if value:
            return value.strip().lower()
    return None


def requested(properties):
    """(architecture, hypervisor type, vm mode) the image asks for, each
    canonical or None."""
    architecture = _first(properties, "hw_architecture", "architecture")
    hv_type = _first(properties, "img_hv_type", "hypervisor_type")
    vm_mode = _first(properties, "hw_vm_mode", "vm_mode")
    return (_ARCHITECTURE_ALIASES.get(architecture, architecture),
            _HV_TYPE_ALIASES.get(hv_type, hv_type),
            _VM_MODE_ALIASES.get(vm_mode, vm_mode))


def _version_requirement(properties):
    return (properties.get("img_hv_requested_version")
            or properties.get("hypervisor_version_requires"))


def version_tuple(number):
    """Nova's integer hypervisor version (1002003) as (1, 2, 3)."""
    parts = []
    number = int(number)
    while number:
        number, part = divmod(number, 1000)
        parts.insert(0, part)
    return tuple(parts) or (0,)


def _padded(left, right):
    width = max(len(left), len(right))
    return (left + (0,) * (width - len(left)),
            right + (0,) * (width - len(right)))


def version_satisfies(number, requirement):
    """Whether the version meets every comma-separated clause of
    requirement (``>=6.0,<6.2``); a clause that cannot be read fails."""
    have = version_tuple(number)
    for clause in requirement.split(","):
        found = _CLAUSE.match(clause)
        if found is None:
            return False
        wanted = tuple(int(part) for part in found.group(2).split("."))
        if not _COMPARISONS[found.group(1)](*_padded(have, wanted)):
            return False
    return True
