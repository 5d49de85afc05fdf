import json
import re
import time
import uuid

import pytest

from stratus import exception
from stratus.objects import fields
from stratus.objects import instance as instance_obj
from stratus.objects import instance_query
from stratus.virt import driver as virt_driver
from stratus.virt import loader as virt_loader

PowerState = fields.PowerState


def make_instance(name="vm", node=None, power_state=None):
    return instance_obj.Instance(
        uuid=str(uuid.uuid4()), display_name=name, hostname=name,
        node=node, project_id="demo", power_state=power_state)


@pytest.fixture
def fake(conf):
    conf.set_override("nodes", 3, group="fake_driver")
    return virt_loader.load_driver(conf, "cmp1")


def test_nodes_are_named_after_the_host_and_report_configured_sizes(conf):
    conf.set_override("vcpus", 8, group="fake_driver")
    conf.set_override("memory_mb", 4096, group="fake_driver")
    conf.set_override("local_gb", 100, group="fake_driver")
    conf.set_override("nodes", 2, group="fake_driver")
    nodes = virt_loader.load_driver(conf, "cmp1").node_resources()
    assert [node.nodename for node in nodes] == ["cmp1-node1", "cmp1-node2"]
    node = nodes[0]
    assert (node.vcpus, node.memory_mb, node.local_gb) == (8, 4096, 100)
    assert node.hypervisor_type == "fake"
    assert json.loads(node.cpu_info)["topology"]["cores"] == 8


def test_a_single_node_is_the_host_itself(conf):
    conf.set_override("nodes", 1, group="fake_driver")
    nodes = virt_loader.load_driver(conf, "cmp1").node_resources()
    assert [node.nodename for node in nodes] == ["cmp1"]


def test_one_driver_simulates_thousands_of_nodes(conf):
    conf.set_override("nodes", 5000, group="fake_driver")
    nodes = virt_loader.load_driver(conf, "big").node_resources()
    assert len({node.nodename for node in nodes}) == 5000


def test_spawn_runs_the_guest_and_destroy_removes_it(fake):
    instance = make_instance(node="cmp1-node2")
    fake.spawn(None, instance, None, [], "pw", [])
    assert fake.get_power_state(instance) == PowerState.RUNNING
    assert fake.list_instance_uuids() == [instance.uuid]
    fake.destroy(None, instance)
    fake.destroy(None, instance)  # a second removal is no error
    with pytest.raises(exception.InstanceNotFound):
        fake.get_power_state(instance)
    assert fake.list_instance_uuids() == []


def test_spawn_fails_for_names_matching_the_regex(conf):
    conf.set_override("fail_spawn_name_regex", "^doomed", group="fake_driver")
    fake = virt_loader.load_driver(conf, "cmp1")
    doomed = make_instance("doomed-1")
    with pytest.raises(exception.SpawnFailed) as raised:
        fake.spawn(None, doomed, None, [], None, [])
    assert doomed.uuid in str(raised.value)
    assert "qemu" in str(raised.value)
    assert fake.list_instance_uuids() == []
    fake.spawn(None, make_instance("fine-doomed"), None, [], None, [])


def test_spawn_takes_spawn_delay(conf):
    conf.set_override("spawn_delay", 0.05, group="fake_driver")
    fake = virt_loader.load_driver(conf, "cmp1")
    started = time.monotonic()
    fake.spawn(None, make_instance(), None, [], None, [])
    assert time.monotonic() - started >= 0.05


def test_power_operations_change_the_power_state(fake):
    instance = make_instance()
    fake.spawn(None, instance, None, [], None, [])
    fake.power_off(instance)
    assert fake.get_power_state(instance) == PowerState.SHUTDOWN
    fake.power_off(instance)  # already off: nothing to do
    fake.power_on(None, instance, [])
    assert fake.get_power_state(instance) == PowerState.RUNNING
    fake.pause(instance)
    assert fake.get_power_state(instance) == PowerState.PAUSED
    with pytest.raises(exception.InstanceInvalidState):
        fake.suspend(None, instance)
    fake.unpause(instance)
    fake.suspend(None, instance)
    assert fake.get_power_state(instance) == PowerState.SUSPENDED
    fake.resume(None, instance, [])
    fake.reboot(None, instance, [], "HARD")
    assert fake.get_power_state(instance) == PowerState.RUNNING
    with pytest.raises(exception.InstanceNotFound):
        fake.power_off(make_instance())


def test_console_shows_boots_and_addresses(fake):
    instance = make_instance("web1")
    network_info = fake.allocate_network(instance)
    fake.spawn(None, instance, None, [], None, network_info)
    fake.reboot(None, instance, network_info, "SOFT")
    console = fake.get_console_output(None, instance)
    address = network_info[0]["network"]["subnets"][0]["ips"][0]["address"]
    assert console.count("web1 login:") == 2
    assert "lease of %s" % address in console


def test_simulated_network_is_stable_and_private(fake):
    instance = make_instance()
    first = fake.allocate_network(instance)
    assert first == fake.allocate_network(instance)
    vif = first[0]
    assert vif["network"]["label"] == "private"
    ip = vif["network"]["subnets"][0]["ips"][0]
    assert ip["type"] == "fixed" and ip["version"] == 4
    assert ip["address"].startswith("10.")
    assert ip["address"] not in ("10.0.0.0", "10.0.0.1", "10.255.255.255")
    assert re.match(r"^fa:16:3e(:[0-9a-f]{2}){3}$", vif["address"])
    assert instance_query.addresses(json.dumps(first)) == [(4, ip["address"])]


def test_uptime_reads_like_the_uptime_command(fake):
    uptime = fake.get_host_uptime()
    # the format openstackclient parses
    assert re.match(r"\s*(.+)\sup\s+(.+),\s+(.+)\susers?,\s+"
                    r"load average:\s(.+)", uptime), uptime


def test_recovered_guests_keep_their_power_state(fake):
    running = make_instance(node="cmp1-node1", power_state=PowerState.RUNNING)
    stopped = make_instance(node="cmp1-node3", power_state=PowerState.SHUTDOWN)
    never_started = make_instance(power_state=PowerState.NOSTATE)
    fake.recover_guests([running, stopped, never_started])
    assert fake.get_power_state(running) == PowerState.RUNNING
    assert fake.get_power_state(stopped) == PowerState.SHUTDOWN
    assert sorted(fake.list_instance_uuids()) == sorted(
        [running.uuid, stopped.uuid])


def test_capabilities_are_declared_interfaces(fake):
    assert virt_driver.capabilities(fake) == sorted(virt_driver.CAPABILITIES)
    assert virt_driver.supports(fake, virt_driver.PowerControl)



def test_rescue_crash_dump_password_snapshot_on_the_guest(fake):
    instance = make_instance("web")
    fake.spawn(None, instance, None, [], "first", [])
    assert fake.guest(instance.uuid).admin_password == "first"
    fake.rescue(None, instance, [], {"id": "rescue-image"}, "pw")
    guest = fake.guest(instance.uuid)
    assert guest.rescued and guest.admin_password == "pw"
    assert any("rescue image rescue-image" in line for line in guest.console)
    fake.unrescue(None, instance)
    assert not guest.rescued and guest.power_state == PowerState.RUNNING
    fake.trigger_crash_dump(instance)
    assert "Kernel panic" in fake.get_console_output(None, instance)
    fake.set_admin_password(instance, "second")
    assert guest.admin_password == "second"
    blob = fake.snapshot(None, instance)
    header = json.loads(blob.split(b"\n")[1])
    assert blob.startswith(b"STRATUS-FAKE-DISK\n")
    assert header["fake_disk_of"] == instance.uuid
    fake.power_off(instance)
    with pytest.raises(exception.InstanceInvalidState):
        fake.set_admin_password(instance, "third")


def test_failures_are_injected_per_operation_and_instance(conf):
    conf.set_override("fail_operations", ["pause"], group="fake_driver")
    fake = virt_loader.load_driver(conf, "cmp1")
    first, second = make_instance("a"), make_instance("b")
    for instance in (first, second):
        fake.spawn(None, instance, None, [], None, [])
    with pytest.raises(exception.StratusException, match="pause failed"):
        fake.pause(first)
    fake.inject_failure("reboot", first.uuid)
    with pytest.raises(exception.StratusException, match="reboot failed"):
        fake.reboot(None, first, [], "HARD")
    fake.reboot(None, second, [], "HARD")
    fake.clear_failures()
    fake.pause(first)
    assert fake.get_power_state(first) == PowerState.PAUSED
    fake.guest_shuts_down(second.uuid)
    assert fake.get_power_state(second) == PowerState.SHUTDOWN


def _migrating_instance(source):
    instance = make_instance("mover")
    instance.update(dict(memory_mb=512, root_gb=1, vcpus=1, host="cmp1",
                         image_ref="img"))
    source.spawn(None, instance, None, [], None, [])
    return instance


def test_live_migration_moves_the_guest_with_progress(conf):
    conf.set_override("live_migration_steps", 4, group="fake_driver")
    source = virt_loader.load_driver(conf, "cmp1")
    dest = virt_loader.load_driver(conf, "cmp2")
    instance = _migrating_instance(source)
    # 'auto' (None): no shared storage between fake hosts.
    assert dest.check_can_live_migrate_destination(None, instance,
                                                   None) is True
    with pytest.raises(exception.MigrationPreCheckError):
        source.check_can_live_migrate_destination(None, instance, None)
    dest.pre_live_migration(None, instance, True, [])
    assert dest.incoming_guest(instance.uuid).power_state == (
        PowerState.PAUSED)
    assert instance.uuid not in dest.list_instance_uuids()
    reports = []
    source.live_migration(None, instance, "cmp2", True,
                          lambda *values: reports.append(values))
    mib, gib = 1024 * 1024, 1024 ** 3
    assert reports[0] == (512 * mib, 128 * mib, 384 * mib, gib, gib // 4,
                          gib - gib // 4)
    assert reports[-1] == (512 * mib, 512 * mib, 0, gib, gib, 0)
    assert len(reports) == 4
    assert instance.uuid not in source.list_instance_uuids()
    dest.post_live_migration_at_destination(None, instance, [],
                                            PowerState.RUNNING)
    assert dest.get_power_state(instance) == PowerState.RUNNING
    assert dest.incoming_guest(instance.uuid) is None


def test_held_live_migration_can_be_forced_or_aborted(conf):
    import threading
    source = virt_loader.load_driver(conf, "cmp1")
    instance = _migrating_instance(source)
    with pytest.raises(exception.MigrationError):
        source.live_migration_abort(instance)
    for finish, expected in ((source.live_migration_force_complete, None),
                             (source.live_migration_abort,
                              virt_driver.LiveMigrationAborted)):
        source.hold_live_migration(instance.uuid)
        reports, outcome = [], []
        first = threading.Event()

        def progress(*values):
            reports.append(values)
            first.set()

        def run():
            try:
                source.live_migration(None, instance, "cmp2", False,
                                      progress)
                outcome.append(None)
            except Exception as exc:  # noqa: BLE001 - checked below
                outcome.append(type(exc))
        thread = threading.Thread(target=run)
        thread.start()
        assert first.wait(10)
        assert len(reports) == 1
        finish(instance)
        thread.join(10)
        assert outcome == [expected]
        if expected is None:
            # Forced: the last report says everything was copied.
            assert reports[-1][2] == 0 and len(reports) == 2
            assert instance.uuid not in source.list_instance_uuids()
            source.spawn(None, instance, None, [], None, [])
        else:
            assert source.get_power_state(instance) == PowerState.RUNNING
        source.release_live_migration(instance.uuid)
