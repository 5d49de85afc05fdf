"""The service version history, the objects' versions and their fields
kept in step (as Nova's test_objects.py): a change of an object's fields
without a new VERSION, a new VERSION without its history entry, or a
history that does not match the releases fails here.

When an object's fields change: bump its VERSION, give it an
obj_make_compatible for the previous one, bump SERVICE_VERSION with a new
SERVICE_VERSION_HISTORY entry, and update OBJECT_FINGERPRINTS below
(the failure prints the new value)."""
import pathlib
import re
import subprocess

import pytest
from oslo_utils import versionutils
from oslo_versionedobjects import base as ovo_base

from stratus.compute import rpcapi as compute_rpcapi
from stratus.conductor import rpcapi as conductor_rpcapi
from stratus.network import rpcapi as network_rpcapi
from stratus.objects import service_versions as history
from stratus.scheduler import rpcapi as scheduler_rpcapi

# "<VERSION>-<service_versions.fingerprint>" of every registered object.
OBJECT_FINGERPRINTS = {
    "Aggregate": "1.0-84b25b5547530217",
    "AggregateList": "1.0-54768cb76ead4a84",
    "BlockDeviceMapping": "1.0-f7a5e39dd2f4494f",
    "BlockDeviceMappingList": "1.0-4656561628dca8f7",
    "BuildRequest": "1.1-fc62aa4c8b4eb071",
    "BuildRequestList": "1.0-47e7d6a427235d61",
    "CellMapping": "1.0-06d70c4222943bd3",
    "CellMappingList": "1.0-9dafaa0c87377964",
    "ComputeNode": "1.1-9fe034e7d49bf060",
    "ComputeNodeList": "1.1-1f4052cf4050c5fb",
    "ConsoleConnection": "1.0-095a5d761b58f866",
    "Flavor": "1.0-2821a67d64dd85a7",
    "FlavorList": "1.0-4857dae991ac929e",
    "HostMapping": "1.0-d9d619bde434db58",
    "HostMappingList": "1.0-469fe9b9adc3cf11",
    "ImageMeta": "1.0-e5d9bf5b371cb20e",
    "Instance": "1.1-6cec2b4d73e5903c",
    "InstanceAction": "1.0-3603316ce0b515cc",
    "InstanceActionEvent": "1.0-f001d42061350954",
    "InstanceActionEventList": "1.0-a278d318349d279d",
    "InstanceActionList": "1.0-284540de6a87f005",
    "InstanceFault": "1.0-3694054d6343f10f",
    "InstanceFaultList": "1.0-6a34373159c8b609",
    "InstanceGroup": "1.0-44e5862b4450e5ed",
    "InstanceGroupList": "1.0-1174e22773964d75",
    "InstanceList": "1.0-2c14e2bc5180fc38",
    "InstanceMapping": "1.0-1e93067068d32ee9",
    "InstanceMappingList": "1.0-a3e12d45935ba079",
    "KeyPair": "1.0-f4a2b83b9e9582d1",
    "KeyPairList": "1.0-14990f9b70c87c86",
    "Migration": "1.0-cce91f395939af21",
    "MigrationList": "1.0-f92f1052f21cdaa0",
    "Quotas": "1.0-8d90bc1b42ba78e3",
    "RequestSpec": "1.3-18d7cba4a3ff66d3",
    "RequestSpecList": "1.0-ae3ae86010e252a7",
    "Selection": "1.0-24821e3c80e713d3",
    "Service": "1.1-f39dca50cb45d0b4",
    "ServiceList": "1.1-18a478dabd818e65",
    "Tag": "1.0-d5e589df391bce7a",
    "TagList": "1.0-fa63236949abe01c",
}

REPO = pathlib.Path(__file__).resolve().parents[3]
PREVIOUS_TAG = "v0.1.0"


def _newest_classes():
    return {name: max(classes, key=lambda cls: _version(cls.VERSION))
            for name, classes
            in ovo_base.VersionedObjectRegistry.obj_classes().items()}


def _version(version):
    return versionutils.convert_version_to_tuple(version)


def test_no_object_changed_without_a_new_version():
    actual = {name: "%s-%s" % (cls.VERSION, history.fingerprint(cls))
              for name, cls in _newest_classes().items()}
    changed = {name: actual.get(name) for name in
               set(actual) | set(OBJECT_FINGERPRINTS)
               if actual.get(name) != OBJECT_FINGERPRINTS.get(name)}
    assert not changed, (
        "Objects changed: bump their VERSION (a field changed), add the "
        "history entry, then set these fingerprints: %s" % changed)


def test_the_newest_history_entry_is_this_release():
    entry = history.SERVICE_VERSION_HISTORY[history.SERVICE_VERSION]
    assert max(history.SERVICE_VERSION_HISTORY) == history.SERVICE_VERSION
    assert entry[history.OBJECTS] == {
        name: cls.VERSION for name, cls in _newest_classes().items()}
    assert entry[history.COMPUTE_RPC] == compute_rpcapi.VERSION
    assert entry[history.CONDUCTOR_RPC] == conductor_rpcapi.VERSION
    assert entry[history.SCHEDULER_RPC] == scheduler_rpcapi.VERSION
    assert entry[history.NETWORK_RPC] == network_rpcapi.VERSION


def test_the_history_only_moves_forward():
    numbers = sorted(history.SERVICE_VERSION_HISTORY)
    assert numbers == list(range(1, history.SERVICE_VERSION + 1))
    for older, newer in zip(numbers, numbers[1:]):
        old = history.SERVICE_VERSION_HISTORY[older]
        new = history.SERVICE_VERSION_HISTORY[newer]
        for key in (history.COMPUTE_RPC, history.CONDUCTOR_RPC,
                    history.SCHEDULER_RPC, history.NETWORK_RPC):
            assert _version(new[key]) >= _version(old[key]), (newer, key)
        for name, version in old[history.OBJECTS].items():
            assert _version(new[history.OBJECTS][name]) >= _version(version)
        assert new != old, "a service version without a change"


def test_an_object_holding_a_changed_object_changes_too():
    """oslo back-levels the objects an object holds only when that object
    itself is sent at an older version."""
    classes = _newest_classes()
    numbers = sorted(history.SERVICE_VERSION_HISTORY)
    for older, newer in zip(numbers, numbers[1:]):
        old = history.SERVICE_VERSION_HISTORY[older][history.OBJECTS]
        new = history.SERVICE_VERSION_HISTORY[newer][history.OBJECTS]
        for name, cls in classes.items():
            if name not in old:
                continue
            for held in _held_objects(cls):
                if held in old and old[held] != new[held]:
                    assert old[name] != new[name], (
                        "%s holds %s, changed in service version %d"
                        % (name, held, newer))


def _held_objects(cls):
    for field in cls.fields.values():
        kind = field._type
        element = getattr(kind, "_element_type", None)
        kind = kind if element is None else element._type
        name = getattr(kind, "_obj_name", None)
        if name:
            yield name


def _objects_of_tag(tag):
    """{object name: VERSION} of the registered objects at git tag."""
    def git(*args):
        return subprocess.run(("git", "-C", str(REPO)) + args,
                              capture_output=True, text=True, check=True
                              ).stdout
    try:
        paths = git("ls-tree", "--name-only", tag, "stratus/objects/")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("no git tag %s here" % tag)
    found = {}
    for path in paths.split():
        source = git("show", "%s:%s" % (tag, path))
        for match in re.finditer(r"@base\.register\s*\nclass (\w+)",
                                 source):
            version = re.compile(r'VERSION = "([\d.]+)"').search(
                source, match.end())
            found[match.group(1)] = version.group(1)
    return found


def test_service_version_1_is_release_0_1_0():
    entry = history.SERVICE_VERSION_HISTORY[1]
    assert entry[history.RELEASE] == PREVIOUS_TAG[1:]
    assert entry[history.OBJECTS] == _objects_of_tag(PREVIOUS_TAG)


def test_release_names_are_aliases_of_their_service_versions():
    assert history.RELEASE_ALIASES["0.1.0"] == 1
    assert history.entry(0) is history.SERVICE_VERSION_HISTORY[1]
    assert history.entry(99) is history.SERVICE_VERSION_HISTORY[
        history.SERVICE_VERSION]
