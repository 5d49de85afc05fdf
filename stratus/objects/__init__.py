"""Versioned objects: everything that crosses RPC, and the API's models.

``register_all()`` imports every object module so the registry knows every
class before the first message is deserialized. Add a module here when you
add one.
"""

OBJECT_MODULES = [
    "aggregate",
    "block_device_mapping",
    "build_request",
    "cell_mapping",
    "compute_node",
    "console_connection",
    "flavor",
    "host_mapping",
    "image_meta",
    "instance",
    "instance_action",
    "instance_fault",
    "instance_group",
    "instance_mapping",
    "keypair",
    "migration",
    "quotas",
    "request_spec",
    "selection",
    "service",
    "tag",
]


def register_all():
    import importlib
    for name in OBJECT_MODULES:
        try:
            importlib.import_module("stratus.objects." + name)
        except ModuleNotFoundError as exc:
            if exc.name != "stratus.objects." + name:
                raise
