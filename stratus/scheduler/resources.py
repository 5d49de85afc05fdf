"""What a request asks of placement."""
import math

import os_resource_classes as orc

EXTRA_SPEC_PREFIX = "resources:"


def from_request_spec(spec):
    """{resource class: amount} one server of the request needs.

    The flavor's vCPUs, RAM and disk (root + ephemeral + swap rounded up to
    GB; no root disk when it boots from a volume), overridden or extended
    by ``resources:<CLASS>=<amount>`` extra specs, as in Nova.
    """
    return from_flavor(spec.flavor, spec.get("is_bfv", False))


def from_flavor(flavor, is_bfv=False):
    """{resource class: amount} of one server of that flavor (see
    from_request_spec)."""
    disk_gb = flavor.ephemeral_gb + int(math.ceil(flavor.swap / 1024.0))
    if not is_bfv:
        disk_gb += flavor.root_gb
    resources = {orc.VCPU: flavor.vcpus, orc.MEMORY_MB: flavor.memory_mb,
                 orc.DISK_GB: disk_gb}
    for key, value in (flavor.get("extra_specs") or {}).items():
        if key.startswith(EXTRA_SPEC_PREFIX):
            resources[key[len(EXTRA_SPEC_PREFIX):]] = int(value)
    return {name: amount for name, amount in resources.items() if amount}
