"""What each service version speaks: the history that ``[upgrade_levels]
<service> = auto`` reads.

A service records its ``SERVICE_VERSION`` in its cell's ``services``
table. ``SERVICE_VERSION_HISTORY[N]`` says what a service of version N
speaks: its compute, conductor, scheduler and network RPC API versions and
the version of every object it knows. A process that finds, say, a
compute of version 1 in the database caps its compute RPC client at
history[1]'s compute RPC version and back-levels every object it sends
to computes to history[1]'s object versions (see stratus/upgrade_pins.py).

When a release changes an RPC API or an object: bump SERVICE_VERSION,
add its entry here (a copy of the last one with what changed), and give
every object whose VERSION changed an ``obj_make_compatible`` that
turns it into its previous version. tests/unit/objects/test_versions.py
keeps this table, the objects' versions and their fields in step.
"""
import hashlib

# The version of the services of this release.
SERVICE_VERSION = 2
# Services older than this are refused: a compute's first report is
# answered ServiceTooOld, and the control plane does not start while
# the database holds computes older than this.
OLDEST_SUPPORTED_SERVICE_VERSION = 1

# What the services of each version speak.
COMPUTE_RPC = "compute_rpc"
CONDUCTOR_RPC = "conductor_rpc"
SCHEDULER_RPC = "scheduler_rpc"
NETWORK_RPC = "network_rpc"
OBJECTS = "objects"
RELEASE = "release"

_RELEASE_1_OBJECTS = {
    "Aggregate": "1.0", "AggregateList": "1.0",
    "BlockDeviceMapping": "1.0", "BlockDeviceMappingList": "1.0",
    "BuildRequest": "1.1", "BuildRequestList": "1.0",
    "CellMapping": "1.0", "CellMappingList": "1.0",
    "ComputeNode": "1.1", "ComputeNodeList": "1.1",
    "ConsoleConnection": "1.0",
    "Flavor": "1.0", "FlavorList": "1.0",
    "HostMapping": "1.0", "HostMappingList": "1.0",
    "ImageMeta": "1.0",
    "Instance": "1.1", "InstanceList": "1.0",
    "InstanceAction": "1.0", "InstanceActionList": "1.0",
    "InstanceActionEvent": "1.0", "InstanceActionEventList": "1.0",
    "InstanceFault": "1.0", "InstanceFaultList": "1.0",
    "InstanceGroup": "1.0", "InstanceGroupList": "1.0",
    "InstanceMapping": "1.0", "InstanceMappingList": "1.0",
    "KeyPair": "1.0", "KeyPairList": "1.0",
    "Migration": "1.0", "MigrationList": "1.0",
    "Quotas": "1.0",
    "RequestSpec": "1.3", "RequestSpecList": "1.0",
    "Selection": "1.0",
    "Service": "1.0", "ServiceList": "1.0",
    "Tag": "1.0", "TagList": "1.0",
}

SERVICE_VERSION_HISTORY = {
    # 0.1.0: the first release.
    1: {RELEASE: "0.1.0", COMPUTE_RPC: "1.13", CONDUCTOR_RPC: "1.12",
        SCHEDULER_RPC: "1.0", NETWORK_RPC: "1.0",
        OBJECTS: _RELEASE_1_OBJECTS},
    # 0.2.0: services report the release they run (Service 1.1 with
    # release, ServiceList 1.1); conductor 1.13 answers a compute's
    # minimum_service_version (its conductor = auto); conductor 1.14
    # takes a save of the changed fields only.
    2: {RELEASE: "0.2.0", COMPUTE_RPC: "1.13", CONDUCTOR_RPC: "1.14",
        SCHEDULER_RPC: "1.0", NETWORK_RPC: "1.0",
        OBJECTS: dict(_RELEASE_1_OBJECTS, Service="1.1",
                      ServiceList="1.1")},
}

# [upgrade_levels] names a release instead of a version: its services'.
RELEASE_ALIASES = {entry[RELEASE]: number
                   for number, entry in SERVICE_VERSION_HISTORY.items()}


def entry(service_version):
    """The history entry of service_version: the newest known not newer
    than it (a service newer than this code speaks at least what this
    code does), the oldest for versions before the history."""
    known = [number for number in SERVICE_VERSION_HISTORY
             if number <= service_version]
    return SERVICE_VERSION_HISTORY[max(known) if known
                                   else min(SERVICE_VERSION_HISTORY)]


def fingerprint(cls):
    """A hash of what an object class puts on the wire: its fields, their
    types, nullability, the objects they hold and enums' values. A change
    of it needs a new VERSION (tests/unit/objects/test_versions.py)."""
    parts = []
    for name in sorted(cls.fields):
        field = cls.fields[name]
        kind = field._type
        held = getattr(kind, "_element_type", None)  # a list's field
        held = kind if held is None else held._type
        parts.append("%s:%s:%s:%s:%s:%s" % (
            name, type(field).__name__, type(kind).__name__,
            field.nullable, getattr(held, "_obj_name", ""),
            sorted(getattr(kind, "_valid_values", None) or ())))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
