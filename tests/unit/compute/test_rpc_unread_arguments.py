"""Compute RPC 1.7: the arguments the compute never read are no longer
sent; a 1.7 compute still accepts them from older clients, and a client
capped below 1.7 still sends them (DESIGN.md, "Upgrades")."""
import inspect
import types

import pytest

from stratus.compute import manager as compute_manager
from stratus.compute import rpcapi as compute_rpcapi
from stratus.objects import fields
from tests.functional.hosts import fixtures

# Each method, the argument it no longer sends, and the version it is
# sent at to a compute before 1.7 with what that argument carries then.
UNREAD = {
    "build_and_run_instance": ("selection", "1.0", None),
    "finish_resize": ("flavor", "1.3", None),
    "rebuild_instance": ("preserve_ephemeral", "1.1", False),
    "live_migration_force_complete": ("migration", "1.4", "the migration"),
    "live_migration_abort": ("migration", "1.4", "the migration"),
}


def _version(text):
    return tuple(int(part) for part in text.split("."))


class _RecordingClient:
    """Stands for the oslo.messaging client: records what is sent."""

    def __init__(self, version_cap):
        self.version_cap = version_cap
        self.version = None
        self.sent = {}

    def can_send_version(self, version):
        return self.version_cap is None \
            or _version(version) <= _version(self.version_cap)

    def prepare(self, version=None, **options):
        self.version = version or self.version
        return self

    def cast(self, ctx, method, **kwargs):
        self.sent[method] = (self.version, kwargs)

    call = cast


class _Messaging:
    url = "fake://"

    def __init__(self, version_cap):
        self.conf = types.SimpleNamespace(
            upgrade_levels=types.SimpleNamespace(compute=version_cap))

    def for_host(self, host):
        return self

    def client(self, topic, version, version_cap=None, pin=None):
        # pin: the [upgrade_levels] compute of this fake's configuration.
        return _RecordingClient(self.conf.upgrade_levels.compute
                                if pin else version_cap)


def _send_each(version_cap):
    api = compute_rpcapi.ComputeAPI(_Messaging(version_cap))
    instance = types.SimpleNamespace(host="cmp1")
    api.build_and_run_instance(None, "cmp1", instance, "spec", [], None, [])
    api.finish_resize(None, "cmp1", instance, "the migration", "disk", True)
    api.rebuild_instance(None, instance, "image", "password", False)
    api.live_migration_force_complete(None, instance, "the migration")
    api.live_migration_abort(None, instance, "the migration")
    return api.client.sent


def test_a_client_that_can_send_1_7_leaves_the_unread_arguments_out():
    sent = _send_each(version_cap=None)
    for method, (argument, _, _) in UNREAD.items():
        version, kwargs = sent[method]
        assert version == "1.7", method
        assert argument not in kwargs, method
        assert "instance" in kwargs


def test_a_client_capped_below_1_7_still_sends_them():
    sent = _send_each(version_cap="1.6")
    for method, (argument, version, value) in UNREAD.items():
        assert sent[method][0] == version, method
        assert sent[method][1][argument] == value, method


def test_the_manager_still_accepts_them_from_older_clients():
    assert compute_manager.ComputeManager.target.version \
        == compute_rpcapi.VERSION
    assert _version(compute_rpcapi.VERSION) >= (1, 7)
    for method, (argument, _, _) in UNREAD.items():
        parameter = inspect.signature(
            getattr(compute_manager.ComputeManager, method)).parameters[
                argument]
        assert parameter.default is None, method


def _build_the_1_6_way(hosts, instance):
    """The cast a 1.6 client makes, with its selection."""
    client = compute_rpcapi.ComputeAPI(hosts.messaging).client.prepare(
        server=instance.host, version="1.6")
    client.cast(hosts.ctx, "build_and_run_instance", instance=instance,
                request_spec=fixtures.request_spec(instance),
                selection=hosts.selection(instance.host, instance.node),
                alternates=[], admin_password="secret", injected_files=[])


@pytest.mark.parametrize("version_cap", [None, "1.6"])
def test_builds_from_new_clients_and_capped_clients_run(hosts, version_cap):
    hosts.start_compute("cmp1")
    instance = hosts.create_instance("cmp1", "cmp1-node1")
    hosts.conf.set_override("compute", version_cap, group="upgrade_levels")
    compute_rpcapi.ComputeAPI(hosts.messaging).build_and_run_instance(
        hosts.ctx, "cmp1", instance, fixtures.request_spec(instance), [],
        "secret", [])
    built = hosts.wait_for(instance.uuid, lambda i: i.task_state is None)
    assert built.vm_state == fields.VMState.ACTIVE


def test_a_build_cast_by_a_1_6_client_runs(hosts):
    hosts.start_compute("cmp1")
    instance = hosts.create_instance("cmp1", "cmp1-node1")
    _build_the_1_6_way(hosts, instance)
    built = hosts.wait_for(instance.uuid, lambda i: i.task_state is None)
    assert built.vm_state == fields.VMState.ACTIVE
    assert hosts.wait_for_events(instance.uuid, 1) == [
        (compute_manager.BUILD_EVENT, "Success", None)]
