"""A cell conductor: a conductor without [api_database] serves its cell's
computes from its cell's database alone, and reaches placement over the
Placement REST API (Stratus's own app on a port), on every backend. What
only the API level can do (host mappings, a deleted server's mapping and
group membership, scheduling again) is left to it."""
import threading
import uuid

import os_traits
import pytest

from stratus import conf as stratus_conf
from stratus.api.placement import app as placement_app
from stratus.conductor import manager as conductor_manager
from stratus.conductor import placement_report
from stratus.conductor.tasks import migrate
from stratus.conductor.tasks import stuck_states
from stratus import context as stratus_context
from stratus.db import api as db_api
from stratus import exception
from stratus.objects import cell_mapping as cell_mapping_obj
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import fields
from stratus.objects import flavor as flavor_obj
from stratus.objects import host_mapping as host_mapping_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_fault as instance_fault_obj
from stratus.objects import instance_group as instance_group_obj
from stratus.objects import instance_mapping as instance_mapping_obj
from stratus.objects import migration as migration_obj
from stratus.objects import quota_usage
from stratus.objects import request_spec as request_spec_obj
from stratus.objects import selection as selection_obj
from stratus.objects import service as service_obj
from stratus.placement import allocations
from stratus import rpc
from stratus.scheduler import group_claims
from stratus.scheduler import resources as request_resources
from stratus import wsgi_server
from tests.functional.placement.conftest import PlacementClient

CELL2 = "9a0c52e4-4f0e-4d0a-9e4b-2d7c0f6a1c22"


class _Casts:
    """The compute RPC client of the reschedule task: records casts."""

    def __init__(self):
        self.builds = []

    def build_and_run_instance(self, ctx, host, instance, *args):
        self.builds.append((host, instance.uuid))


@pytest.fixture
def placement_url(conf, databases):
    server = wsgi_server.Server([("placement", placement_app.make_app(
        conf, databases), "127.0.0.1", 0)], threads=4)
    server.start()
    yield server.listeners[0].url
    server.stop()


@pytest.fixture
def cell2(databases, cell_urls):
    """cell2 mapped in the API database (as create_cell does)."""
    ctx = stratus_context.get_admin_context(databases)
    cell_mapping_obj.CellMapping(
        ctx, uuid=CELL2, name="cell2", transport_url="inproc://cell2",
        database_connection=cell_urls["cell2"]).create()
    return cell_urls["cell2"]


@pytest.fixture
def cell_conductor(tmp_path, cell2, placement_url):
    """A cell conductor of cell2 built from its config file as
    `stratus conductor` builds it: no [api_database] at all."""
    path = tmp_path / "cell2-conductor.conf"
    path.write_text(
        "[DEFAULT]\nhost = cell2-conductor\n"
        "[database]\nconnection = %s\n"
        "[placement]\nauth_type = admin_token\nendpoint = %s\n"
        "token = admin:admin\n" % (cell2, placement_url))
    conf = stratus_conf.build_conf(config_files=[str(path)])
    databases = placement_report.attach(
        db_api.Databases.for_service(conf), conf)
    messaging = rpc.Messaging(conf, url="inproc://cell2")
    manager = conductor_manager.ConductorManager(conf, messaging, databases)
    manager.reschedule_task.compute = _Casts()
    yield manager
    messaging.cleanup()
    databases.dispose()


@pytest.fixture
def api_ctx(databases):
    ctx = stratus_context.get_admin_context(databases)
    flavor_obj.Flavor.ensure_defaults(ctx)
    return ctx


def _ctx(manager):
    return stratus_context.get_admin_context(manager.databases)


def _nodes(host, vcpus=4, count=2):
    return [compute_node_obj.ComputeNode(
        host=host, hypervisor_hostname="%s-%d" % (host, index), vcpus=vcpus,
        memory_mb=4096, local_gb=40, cpu_allocation_ratio=2.0,
        ram_allocation_ratio=1.0, disk_allocation_ratio=1.0,
        hypervisor_type="fake", hypervisor_version=1,
        supported_instances='[["x86_64", "fake", "hvm"]]')
        for index in range(count)]


def _report(manager, host, vcpus=4, traits=()):
    ctx = _ctx(manager)
    manager.service_report(ctx, service_obj.Service(
        host=host, binary="nova-compute", topic="compute"))
    return manager.compute_nodes_update(ctx, host, _nodes(host, vcpus),
                                        list(traits))


def test_it_opens_only_its_cell_database(cell_conductor):
    databases = cell_conductor.databases
    assert not databases.has_api
    with pytest.raises(exception.DatabaseNotAvailable):
        assert databases.api is None
    with pytest.raises(exception.DatabaseNotAvailable):
        assert _ctx(cell_conductor).api_db is None
    assert cell_conductor.conf.api_database.connection is None


def test_computes_report_into_the_cell_and_placement_over_rest(
        cell_conductor, api_ctx, conf, databases):
    placement = PlacementClient(placement_app.make_app(conf, databases))
    nodes = _report(cell_conductor, "cmp-a", traits=[
        os_traits.COMPUTE_IMAGE_TYPE_RAW])
    # The service and nodes are in cell2's database, seen from the API
    # level through its mapping.
    service = service_obj.Service.get_by_host_and_binary(
        api_ctx, "cmp-a", "nova-compute", cell_uuid=CELL2)
    assert service.report_count == 1
    assert sorted(node.hypervisor_hostname for node in nodes) == [
        "cmp-a-0", "cmp-a-1"]
    for node in nodes:
        provider = placement.get("/resource_providers/%s" % node.uuid)
        assert provider["name"] == node.hypervisor_hostname
        inventories = placement.get(
            "/resource_providers/%s/inventories" % node.uuid)["inventories"]
        assert {cls: (inv["total"], inv["allocation_ratio"])
                for cls, inv in inventories.items()} == {
            "VCPU": (4, 2.0), "MEMORY_MB": (4096, 1.0),
            "DISK_GB": (40, 1.0)}
        assert os_traits.COMPUTE_IMAGE_TYPE_RAW in placement.get(
            "/resource_providers/%s/traits" % node.uuid)["traits"]
    # The compute is not mapped by its report: discover_hosts maps it.
    with pytest.raises(exception.HostMappingNotFound):
        host_mapping_obj.HostMapping.get_by_host(api_ctx, "cmp-a")
    # An operator's trait stays; a grown host's inventory follows; the
    # service is disabled: the status trait comes.
    node = nodes[0]
    placement.ok("PUT", "/traits/CUSTOM_RACK_7", status=(201, 204))
    current = placement.get("/resource_providers/%s/traits" % node.uuid)
    placement.ok("PUT", "/resource_providers/%s/traits" % node.uuid, {
        "resource_provider_generation":
            current["resource_provider_generation"],
        "traits": current["traits"] + ["CUSTOM_RACK_7"]})
    service.disabled = True
    service.save()
    _report(cell_conductor, "cmp-a", vcpus=8)
    inventories = placement.get(
        "/resource_providers/%s/inventories" % node.uuid)["inventories"]
    assert inventories["VCPU"]["total"] == 8
    traits = placement.get(
        "/resource_providers/%s/traits" % node.uuid)["traits"]
    assert "CUSTOM_RACK_7" in traits
    assert os_traits.COMPUTE_STATUS_DISABLED in traits
    assert os_traits.COMPUTE_IMAGE_TYPE_RAW not in traits
    # The conductor's own record is in its cell too.
    cell_conductor.databases.cell(None)  # the one database, whatever uuid


def _instance(manager, api_ctx, host, **values):
    instance = instance_obj.Instance(
        flavor=flavor_obj.Flavor.get_by_flavor_id(api_ctx, "1"),
        uuid=str(uuid.uuid4()), project_id="p", user_id="u", host=host,
        node=host + "-0", **values)
    with _ctx(manager).target_cell(CELL2) as cctx:
        instance.create(cctx)
    instance_mapping_obj.InstanceMapping(
        api_ctx, instance_uuid=instance.uuid, cell_uuid=CELL2,
        project_id="p", user_id="u").create()
    instance.cell_uuid = CELL2
    return instance


def _stored(api_ctx, instance_uuid):
    """The server as the API level reads it in cell2."""
    with api_ctx.target_cell(CELL2) as cctx:
        return instance_obj.Instance.get_by_uuid(cctx, instance_uuid)


def _provider(api_ctx, host):
    return compute_node_obj.ComputeNode.get_by_host_and_nodename(
        api_ctx, host, host + "-0").uuid


def test_destroy_frees_placement_and_the_api_level_settles_the_mapping(
        cell_conductor, api_ctx, conf):
    _report(cell_conductor, "cmp-a")
    instance = _instance(cell_conductor, api_ctx, "cmp-a",
                         vm_state=fields.VMState.ACTIVE)
    group = instance_group_obj.InstanceGroup(
        api_ctx, uuid=str(uuid.uuid4()), name="g", project_id="p",
        user_id="u", policy="anti-affinity")
    group.create()
    with api_ctx.api_db.writer() as session:
        instance_group_obj.InstanceGroup.add_members(session, group.id,
                                                     [instance.uuid])
    assert instance_group_obj.InstanceGroup.get_by_uuid(
        api_ctx, group.uuid).members == [instance.uuid]
    allocations.claim(api_ctx, instance.uuid, "p", "u", {
        _provider(api_ctx, "cmp-a"): {"VCPU": 1, "MEMORY_MB": 512}})
    cell_conductor.instance_destroy(_ctx(cell_conductor), instance)
    assert allocations.get_allocations(api_ctx, instance.uuid) == {}
    with pytest.raises(exception.InstanceNotFound):
        _stored(api_ctx, instance.uuid)
    # The cell conductor cannot reach the mapping: the super conductor's
    # pass marks it and takes the server out of its group.
    mapping = instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
        api_ctx, instance.uuid)
    assert not mapping.queued_for_delete
    done = stuck_states.StuckStates._reap_destroyed(
        api_ctx, CELL2, stuck_states.utcnow() - stuck_states.RECENT_DELETES)
    assert done[instance.uuid] == "mapping queued for delete"
    assert instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
        api_ctx, instance.uuid).queued_for_delete
    assert instance_group_obj.InstanceGroup.get_by_uuid(
        api_ctx, group.uuid).members == []


def test_a_server_it_deleted_counts_in_no_quota(cell_conductor, api_ctx):
    """The mapping waits for the super conductor's pass, the quota does
    not: servers are counted from the cells."""
    _report(cell_conductor, "cmp-a")
    kept, gone = [_instance(cell_conductor, api_ctx, "cmp-a",
                            vm_state=fields.VMState.ACTIVE, vcpus=1,
                            memory_mb=512) for _ in range(2)]
    resources = ["instances", "cores", "ram"]

    def used(user_id=None):
        return quota_usage.count(api_ctx, "p", user_id, resources, True)
    assert used() == used("u") == {"instances": 2, "cores": 2, "ram": 1024}
    cell_conductor.instance_destroy(_ctx(cell_conductor), gone)
    assert not instance_mapping_obj.InstanceMapping.get_by_instance_uuid(
        api_ctx, gone.uuid).queued_for_delete
    assert used() == used("u") == {"instances": 1, "cores": 1, "ram": 512}


def _building(manager, api_ctx, host):
    return _instance(manager, api_ctx, host,
                     vm_state=fields.VMState.BUILDING,
                     task_state=fields.TaskState.SPAWNING)


def test_a_reschedule_claims_an_alternate_over_rest(cell_conductor, api_ctx):
    _report(cell_conductor, "cmp-a")
    _report(cell_conductor, "cmp-b", vcpus=1)
    _report(cell_conductor, "cmp-c")
    instance = _building(cell_conductor, api_ctx, "cmp-a")
    source = _provider(api_ctx, "cmp-a")
    allocations.claim(api_ctx, instance.uuid, "p", "u",
                      {source: {"VCPU": 1}})

    def alternate(host, vcpus):
        return selection_obj.Selection(
            service_host=host, nodename=host + "-0",
            compute_node_uuid=_provider(api_ctx, host),
            availability_zone="nova",
            allocation_request=allocations.to_allocation_request(
                {_provider(api_ctx, host): {"VCPU": vcpus}}))
    # cmp-b has 2 VCPUs (1 x 2.0): 4 do not fit; cmp-c takes them.
    cell_conductor.reschedule_build(
        _ctx(cell_conductor), instance, None,
        [alternate("cmp-b", 4), alternate("cmp-c", 4)], "spawn failed",
        None, None)
    assert cell_conductor.reschedule_task.compute.builds == [
        ("cmp-c", instance.uuid)]
    assert allocations.get_allocations(api_ctx, instance.uuid) == {
        _provider(api_ctx, "cmp-c"): {"VCPU": 4}}
    stored = _stored(api_ctx, instance.uuid)
    assert (stored.host, stored.task_state) == (
        "cmp-c", fields.TaskState.SCHEDULING)


def _alternate(api_ctx, host, vcpus=1):
    return selection_obj.Selection(
        service_host=host, nodename=host + "-0",
        compute_node_uuid=_provider(api_ctx, host),
        availability_zone="nova",
        allocation_request=allocations.to_allocation_request(
            {_provider(api_ctx, host): {"VCPU": vcpus}}))


@pytest.mark.parametrize("policy, member_on, claimed", [
    ("anti-affinity", "cmp-b", "cmp-c"),
    ("affinity", "cmp-c", "cmp-c"),
    ("soft-anti-affinity", "cmp-b", "cmp-b")])
def test_a_reschedule_keeps_a_hard_group_policy(
        cell_conductor, api_ctx, policy, member_on, claimed):
    """The group travels with the build (the spec's instance_group, as
    the super conductor sends it): the alternate that breaks a hard
    policy, given where the other members are in the cell, is passed."""
    for host in ("cmp-a", "cmp-b", "cmp-c"):
        _report(cell_conductor, host)
    member = _instance(cell_conductor, api_ctx, member_on,
                       vm_state=fields.VMState.ACTIVE)
    instance = _building(cell_conductor, api_ctx, "cmp-a")
    group = instance_group_obj.InstanceGroup(
        api_ctx, uuid=str(uuid.uuid4()), name="g", project_id="p",
        user_id="u", policy=policy)
    group.create()
    with api_ctx.api_db.writer() as session:
        instance_group_obj.InstanceGroup.add_members(
            session, group.id, [member.uuid, instance.uuid])
    spec = request_spec_obj.RequestSpec(
        instance_uuid=instance.uuid, project_id="p", user_id="u",
        flavor=instance.flavor, image=None, instance_group_uuid=group.uuid)
    # What the super conductor's build sends along.
    spec.instance_group = instance_group_obj.InstanceGroup.get_by_uuid(
        api_ctx, group.uuid)
    allocations.claim(api_ctx, instance.uuid, "p", "u",
                      {_provider(api_ctx, "cmp-a"): {"VCPU": 1}})
    cell_conductor.reschedule_build(
        _ctx(cell_conductor), instance, spec,
        [_alternate(api_ctx, "cmp-b"), _alternate(api_ctx, "cmp-c")],
        "spawn failed", None, None)
    assert cell_conductor.reschedule_task.compute.builds == [
        (claimed, instance.uuid)]
    assert allocations.get_allocations(api_ctx, instance.uuid) == {
        _provider(api_ctx, claimed): {"VCPU": 1}}
    assert _stored(api_ctx, instance.uuid).host == claimed


def _hard_group(api_ctx, policy, members):
    """The group and a spec of members[0] carrying it, as the super
    conductor's build sends them."""
    group = instance_group_obj.InstanceGroup(
        api_ctx, uuid=str(uuid.uuid4()), name="g", project_id="p",
        user_id="u", policy=policy)
    group.create()
    with api_ctx.api_db.writer() as session:
        instance_group_obj.InstanceGroup.add_members(
            session, group.id, [member.uuid for member in members])
    return instance_group_obj.InstanceGroup.get_by_uuid(api_ctx, group.uuid)


def test_concurrent_reschedules_keep_anti_affinity(
        cell_conductor, api_ctx, monkeypatch):
    """Two members of an anti-affinity group rescheduled at once to the
    same alternate, both past the check of the members' hosts the build
    knew and both claimed in placement (a barrier holds each there):
    the check under the cell's lock lets one land, the other's claim is
    undone and it goes to its next alternate, as Nova's late group check
    (_validate_instance_group_policy) reschedules it."""
    for host in ("cmp-a", "cmp-b", "cmp-c", "cmp-d"):
        _report(cell_conductor, host)
    members = [_building(cell_conductor, api_ctx, host)
               for host in ("cmp-a", "cmp-c")]
    group = _hard_group(api_ctx, "anti-affinity", members)
    both_claimed = threading.Barrier(2, timeout=60)
    waited = threading.local()
    check = group_claims.claim_in_cell

    def check_after_both(cctx, group, instance_uuid, host):
        if not getattr(waited, "done", False):
            waited.done = True
            both_claimed.wait()
        return check(cctx, group, instance_uuid, host)
    monkeypatch.setattr(group_claims, "claim_in_cell", check_after_both)

    def reschedule(member):
        spec = request_spec_obj.RequestSpec(
            instance_uuid=member.uuid, project_id="p", user_id="u",
            flavor=member.flavor, image=None, instance_group_uuid=group.uuid,
            instance_group=group)
        allocations.claim(api_ctx, member.uuid, "p", "u",
                          {_provider(api_ctx, member.host): {"VCPU": 1}})
        cell_conductor.reschedule_build(
            _ctx(cell_conductor), member, spec,
            [_alternate(api_ctx, "cmp-b"), _alternate(api_ctx, "cmp-d")],
            "spawn failed", None, None)
    threads = [threading.Thread(target=reschedule, args=(member,))
               for member in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    builds = dict((uuid, host) for host, uuid in
                  cell_conductor.reschedule_task.compute.builds)
    assert sorted(builds.values()) == ["cmp-b", "cmp-d"]
    for member in members:
        host = builds[member.uuid]
        assert _stored(api_ctx, member.uuid).host == host
        assert allocations.get_allocations(api_ctx, member.uuid) == {
            _provider(api_ctx, host): {"VCPU": 1}}


def test_a_reschedule_refused_by_the_late_check_gives_up(
        cell_conductor, api_ctx, monkeypatch):
    """The other member took the only alternate after the build: the
    late check refuses it, the claim is undone, the build ends ERROR
    (MaxRetriesExceeded, Nova's NoValidHost for a reschedule)."""
    for host in ("cmp-a", "cmp-b", "cmp-c"):
        _report(cell_conductor, host)
    loser, winner = [_building(cell_conductor, api_ctx, host)
                     for host in ("cmp-a", "cmp-c")]
    group = _hard_group(api_ctx, "anti-affinity", [loser, winner])
    allocations.claim(api_ctx, loser.uuid, "p", "u",
                      {_provider(api_ctx, "cmp-a"): {"VCPU": 1}})
    check = group_claims.claim_in_cell

    def winner_first(cctx, group, instance_uuid, host):
        # The winner lands on host between the loser's own claim and
        # its check.
        with _ctx(cell_conductor).target_cell(CELL2) as wctx:
            check(wctx, group, winner.uuid, host)
        return check(cctx, group, instance_uuid, host)
    monkeypatch.setattr(group_claims, "claim_in_cell", winner_first)
    spec = request_spec_obj.RequestSpec(
        instance_uuid=loser.uuid, project_id="p", user_id="u",
        flavor=loser.flavor, image=None, instance_group_uuid=group.uuid,
        instance_group=group)
    cell_conductor.reschedule_build(
        _ctx(cell_conductor), loser, spec, [_alternate(api_ctx, "cmp-b")],
        "spawn failed", None, None)
    assert cell_conductor.reschedule_task.compute.builds == []
    stored = _stored(api_ctx, loser.uuid)
    assert stored.vm_state == fields.VMState.ERROR
    assert stored.host == "cmp-a"
    assert allocations.get_allocations(api_ctx, loser.uuid) == {}
    assert _stored(api_ctx, winner.uuid).host == "cmp-b"


def test_a_reschedule_without_alternates_gives_up(cell_conductor, api_ctx):
    _report(cell_conductor, "cmp-a")
    instance = _building(cell_conductor, api_ctx, "cmp-a")
    allocations.claim(api_ctx, instance.uuid, "p", "u",
                      {_provider(api_ctx, "cmp-a"): {"VCPU": 1}})
    spec = {"instance_uuid": instance.uuid}
    cell_conductor.reschedule_build(
        _ctx(cell_conductor), instance, spec, None, "the host crashed",
        None, None)
    assert cell_conductor.reschedule_task.compute.builds == []
    stored = _stored(api_ctx, instance.uuid)
    assert (stored.vm_state, stored.task_state) == (
        fields.VMState.ERROR, None)
    with api_ctx.target_cell(CELL2) as cctx:
        [fault] = instance_fault_obj.InstanceFaultList \
            .get_latest_for_instances(cctx, [instance.uuid])
    assert "a cell conductor cannot schedule again" in fault.details
    assert allocations.get_allocations(api_ctx, instance.uuid) == {}


def test_the_database_proxy_works_in_the_cell(cell_conductor, api_ctx):
    _report(cell_conductor, "cmp-a")
    instance = _building(cell_conductor, api_ctx, "cmp-a")
    allocations.claim(api_ctx, instance.uuid, "p", "u",
                      {_provider(api_ctx, "cmp-a"): {"VCPU": 1}})
    ctx = _ctx(cell_conductor)
    # An instance from the compute without its cell (a listing of its
    # host's) is saved in the conductor's cell.
    [on_host] = cell_conductor.instances_on_host(ctx, "cmp-a")
    on_host.vm_state = fields.VMState.SHELVED_OFFLOADED
    on_host.task_state = None
    on_host.host = None
    on_host.cell_uuid = None
    cell_conductor.instance_save(ctx, on_host, remove_allocations=True)
    stored = _stored(api_ctx, instance.uuid)
    assert stored.vm_state == fields.VMState.SHELVED_OFFLOADED
    assert allocations.get_allocations(api_ctx, instance.uuid) == {}
    assert list(cell_conductor.evacuations_done(ctx, "cmp-a")) == []
    assert cell_conductor.confirm_stale_resizes(ctx, "cmp-a", 0) == 0


def test_a_generation_conflict_is_read_again_and_retried(
        cell_conductor, api_ctx, conf, databases):
    """Another writer changes a provider between the cell conductor's
    read and its write: placement answers 409, the conductor reads the
    new generation and writes again."""
    placement = PlacementClient(placement_app.make_app(conf, databases))
    [node] = _report(cell_conductor, "cmp-a")[:1]
    client = cell_conductor.databases.placement
    client._written.forget("inventories")
    adapter_request = client.adapter.request
    conflicts = []

    def request(url, method, **kwargs):
        if method == "PUT" and url.endswith("/inventories") and not conflicts:
            # Another writer: the operator adds a trait meanwhile.
            current = placement.get("/resource_providers/%s/traits" % node.uuid)
            placement.ok("PUT", "/resource_providers/%s/traits" % node.uuid, {
                "resource_provider_generation":
                    current["resource_provider_generation"],
                "traits": current["traits"] + ["HW_CPU_X86_AVX2"]})
            response = adapter_request(url, method, **kwargs)
            conflicts.append(response.status_code)
            return response
        return adapter_request(url, method, **kwargs)
    client.adapter.request = request
    _report(cell_conductor, "cmp-a", vcpus=6)
    assert conflicts == [409]
    inventories = placement.get(
        "/resource_providers/%s/inventories" % node.uuid)["inventories"]
    assert inventories["VCPU"]["total"] == 6
    assert "HW_CPU_X86_AVX2" in placement.get(
        "/resource_providers/%s/traits" % node.uuid)["traits"]


class _Confirms:
    """The compute RPC client of the migrate task: records confirms."""

    def __init__(self):
        self.confirmed = []

    def confirm_resize(self, ctx, host, instance, migration):
        self.confirmed.append((host, instance.uuid))


def test_a_resize_past_its_window_is_confirmed_in_the_cell(
        cell_conductor, api_ctx, conf):
    """The compute's periodic auto-confirm reaches its cell conductor:
    the source drops its guest, the migration's hold on the source goes
    from placement (REST), the server is ACTIVE on its destination."""
    _report(cell_conductor, "cmp-a")
    _report(cell_conductor, "cmp-b")
    old_flavor = flavor_obj.Flavor.get_by_flavor_id(api_ctx, "1")
    new_flavor = flavor_obj.Flavor.get_by_flavor_id(api_ctx, "2")
    instance = _instance(cell_conductor, api_ctx, "cmp-b",
                         vm_state=fields.VMState.RESIZED,
                         system_metadata={"old_vm_state": "active"},
                         old_flavor=old_flavor, new_flavor=new_flavor)
    with _ctx(cell_conductor).target_cell(CELL2) as cctx:
        instance = instance_obj.Instance.get_by_uuid(cctx, instance.uuid)
        migrate.apply_flavor(instance, new_flavor)
        instance.save()
    request_spec_obj.RequestSpec(
        instance_uuid=instance.uuid, project_id="p", user_id="u",
        flavor=old_flavor, image=None).create(api_ctx)
    migration = migration_obj.Migration(
        uuid=str(uuid.uuid4()), instance_uuid=instance.uuid,
        source_compute="cmp-a", dest_compute="cmp-b",
        source_node="cmp-a-0", dest_node="cmp-b-0",
        migration_type="resize", status=migration_obj.Status.FINISHED)
    with _ctx(cell_conductor).target_cell(CELL2) as cctx:
        migration.create(cctx)
    allocations.claim(api_ctx, instance.uuid, "p", "u",
                      {_provider(api_ctx, "cmp-b"): {"VCPU": 1}})
    allocations.claim(api_ctx, migration.uuid, "p", "u",
                      {_provider(api_ctx, "cmp-a"): {"VCPU": 1}})
    cell_conductor.migrate_task.compute = _Confirms()
    ctx = _ctx(cell_conductor)
    assert cell_conductor.confirm_stale_resizes(ctx, "cmp-b", 0) == 1
    assert cell_conductor.migrate_task.compute.confirmed == [
        ("cmp-a", instance.uuid)]
    stored = _stored(api_ctx, instance.uuid)
    assert (stored.vm_state, stored.task_state, stored.host) == (
        fields.VMState.ACTIVE, None, "cmp-b")
    assert allocations.get_allocations(api_ctx, migration.uuid) == {}
    assert allocations.get_allocations(api_ctx, instance.uuid) == {
        _provider(api_ctx, "cmp-b"): {"VCPU": 1}}
    with api_ctx.target_cell(CELL2) as cctx:
        assert migration_obj.Migration.get_by_id(
            cctx, migration.id).status == "confirmed"
    # The request spec is the API level's: the super conductor's pass
    # gives it the confirmed flavor, once.
    assert _spec_flavor(api_ctx, instance) == "1"
    stuck = stuck_states.StuckStates(conf, _NoBuilds())
    assert stuck.run(api_ctx)[instance.uuid] == "request spec flavor settled"
    assert _spec_flavor(api_ctx, instance) == "2"
    assert instance.uuid not in stuck.run(api_ctx)
    assert "request_spec_flavor_stale" not in _stored(
        api_ctx, instance.uuid).system_metadata
    # A following migrate asks placement for the new flavor.
    stored = _stored(api_ctx, instance.uuid)
    spec = migrate.MigrateTask.request_spec(api_ctx, stored, stored.flavor)
    assert request_resources.from_request_spec(spec)["MEMORY_MB"] == \
        new_flavor.memory_mb != old_flavor.memory_mb


class _NoBuilds:
    """The build task of the stuck check: no build request to resume."""

    @staticmethod
    def resume(ctx, abandoned_before):
        return []


def _spec_flavor(api_ctx, instance):
    return request_spec_obj.RequestSpec.get_by_instance_uuid(
        api_ctx, instance.uuid).flavor.flavorid


class _Conflict:
    """A 409 placement.concurrent_update answer."""
    status_code = 409
    text = "conflict"

    @staticmethod
    def json():
        return {"errors": [{"code": "placement.concurrent_update",
                            "detail": "another process changed it"}]}


def test_a_delete_that_meets_a_concurrent_writer_is_sent_again(
        cell_conductor, api_ctx):
    _report(cell_conductor, "cmp-a")
    instance = _building(cell_conductor, api_ctx, "cmp-a")
    allocations.claim(api_ctx, instance.uuid, "p", "u",
                      {_provider(api_ctx, "cmp-a"): {"VCPU": 1}})
    client = cell_conductor.databases.placement
    adapter_request = client.adapter.request
    sent = []

    def request(url, method, **kwargs):
        sent.append(method)
        if method == "DELETE" and sent.count("DELETE") == 1:
            return _Conflict()
        return adapter_request(url, method, **kwargs)
    client.adapter.request = request
    cell_conductor.instance_destroy(_ctx(cell_conductor), instance)
    assert sent.count("DELETE") == 2
    assert allocations.get_allocations(api_ctx, instance.uuid) == {}


def _counting(client):
    """The (method, path kind) of every request client sends from now."""
    sent = []
    adapter_request = client.adapter.request

    def request(url, method, **kwargs):
        sent.append((method, url.rsplit("/", 1)[-1]
                     if url.endswith(("inventories", "traits"))
                     else "provider"))
        return adapter_request(url, method, **kwargs)
    client.adapter.request = request
    return sent


def test_a_new_node_is_registered_in_three_requests(
        cell_conductor, api_ctx, conf, databases):
    """Created without a read first, its inventories and traits written
    with the generation its creation answered; a conductor started
    again (nothing known) reads what is there and writes nothing."""
    placement = PlacementClient(placement_app.make_app(conf, databases))
    sent = _counting(cell_conductor.databases.placement)
    [node] = _report(cell_conductor, "cmp-a", traits=[
        os_traits.COMPUTE_IMAGE_TYPE_RAW])[:1]
    assert sent == [("POST", "provider"), ("PUT", "inventories")] * 2 + [
        ("PUT", "traits")] * 2
    assert placement.get("/resource_providers/%s" % node.uuid)[
        "generation"] == 2
    assert os_traits.COMPUTE_IMAGE_TYPE_RAW in placement.get(
        "/resource_providers/%s/traits" % node.uuid)["traits"]

    restarted = placement_report.attach(
        db_api.Databases.for_service(cell_conductor.conf),
        cell_conductor.conf)
    cell_conductor.databases = restarted
    try:
        sent = _counting(restarted.placement)
        _report(cell_conductor, "cmp-a", traits=[
            os_traits.COMPUTE_IMAGE_TYPE_RAW])
        assert sent == [("POST", "provider"), ("GET", "provider"),
                        ("GET", "inventories")] * 2 + [("GET", "traits")] * 2
        assert placement.get("/resource_providers/%s" % node.uuid)[
            "generation"] == 2
    finally:
        restarted.dispose()


def test_a_known_state_that_changed_meanwhile_is_read_again(
        cell_conductor, api_ctx, conf, databases):
    """The operator removes the compute's trait: the next report (its
    memory of the write expired) reads the provider, finds the trait
    gone and puts it back, though what it knew said it was there."""
    placement = PlacementClient(placement_app.make_app(conf, databases))
    [node] = _report(cell_conductor, "cmp-a", traits=[
        os_traits.COMPUTE_IMAGE_TYPE_RAW])[:1]
    url = "/resource_providers/%s/traits" % node.uuid
    current = placement.get(url)
    placement.ok("PUT", url, {
        "resource_provider_generation":
            current["resource_provider_generation"], "traits": []})
    client = cell_conductor.databases.placement
    client._written.forget("traits")
    _report(cell_conductor, "cmp-a", traits=[
        os_traits.COMPUTE_IMAGE_TYPE_RAW])
    assert os_traits.COMPUTE_IMAGE_TYPE_RAW in placement.get(url)["traits"]
