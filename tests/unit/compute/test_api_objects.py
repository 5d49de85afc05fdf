"""The objects behind the servers API, on the real databases: atomic
state changes, soft delete, sort and marker semantics, tag limits under
concurrency, build requests, mappings, specs, faults and actions."""
import concurrent.futures
import datetime
import uuid

import pytest
import sqlalchemy as sa

from stratus import context as stratus_context
from stratus.db import cell_models
from stratus.db import setup as db_setup
from stratus import exception
from stratus.objects import build_request
from stratus.objects import cell_mapping
from stratus.objects import flavor as flavor_obj
from stratus.objects import image_meta
from stratus.objects import instance as instance_obj
from stratus.objects import instance_query
from stratus.objects import instance_action
from stratus.objects import instance_fault
from stratus.objects import instance_mapping
from stratus.objects import request_spec
from stratus.objects import tag as tag_obj


@pytest.fixture
def cell(databases):
    """A context targeted at cell1, and flavors."""
    ctx = stratus_context.get_admin_context(databases)
    flavor_obj.Flavor.ensure_defaults(ctx)
    cell1 = [c.uuid for c in cell_mapping.CellMappingList.get_all(ctx)
             if c.uuid != db_setup.CELL0_UUID][0]
    with ctx.target_cell(cell1) as cctx:
        cctx.request_id = "req-" + str(uuid.uuid4())
        yield cctx


def _instance(ctx, **values):
    values.setdefault("uuid", str(uuid.uuid4()))
    values.setdefault("project_id", "p")
    values.setdefault("vm_state", "active")
    instance = instance_obj.Instance(
        flavor=flavor_obj.Flavor.get_by_flavor_id(ctx, "1"), **values)
    instance.create(ctx)
    return instance


def test_instance_round_trip_and_save(cell):
    created = _instance(cell, display_name="a", metadata={"k": "v"},
                        tags=["t"], locked_reason="why",
                        image_properties={"os_distro": "x"},
                        info_cache="[]")
    loaded = instance_obj.Instance.get_by_uuid(
        cell, created.uuid, expected_attrs=["metadata", "tags", "fault"])
    assert (loaded.display_name, loaded.metadata, loaded.tags,
            loaded.locked_reason, loaded.image_properties, loaded.fault,
            loaded.flavor.name, loaded.cell_uuid) == (
        "a", {"k": "v"}, ["t"], "why", {"os_distro": "x"}, None, "m1.tiny",
        cell.cell_uuid)
    assert loaded.name == "instance-%08x" % loaded.id
    loaded.metadata["k2"] = "v2"
    del loaded.metadata["k"]
    loaded.display_name = "b"
    loaded.save()
    again = instance_obj.Instance.get_by_uuid(cell, created.uuid)
    # metadata loads on first use
    assert (again.display_name, again.metadata) == ("b", {"k2": "v2"})
    assert again.updated_at >= again.created_at


def test_an_instance_over_rpc_saves_what_changed(cell):
    created = _instance(cell, metadata={"a": "1"})

    def over_rpc(instance):
        return instance_obj.Instance.obj_from_primitive(
            instance.obj_to_primitive(), context=cell)

    sent = instance_obj.Instance.get_by_uuid(cell, created.uuid,
                                             expected_attrs=["metadata"])
    sent.metadata["b"] = "2"
    over_rpc(sent).save()
    untouched = over_rpc(instance_obj.Instance.get_by_uuid(
        cell, created.uuid, expected_attrs=["metadata"]))
    untouched.task_state = "spawning"
    untouched.save()
    with cell.cell_db.reader() as session:
        rows = session.execute(sa.select(
            cell_models.InstanceMetadata.key).where(
            cell_models.InstanceMetadata.instance_uuid == created.uuid)
        ).scalars().all()
    assert sorted(rows) == ["a", "b"]


def test_task_state_changes_are_atomic(cell):
    created = _instance(cell)

    def start_task(task_state):
        instance = instance_obj.Instance.get_by_uuid(cell, created.uuid)
        instance.task_state = task_state
        try:
            instance.save(expected_task_state=[None])
            return task_state
        except exception.UnexpectedTaskStateError:
            return None

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        winners = [w for w in pool.map(start_task, ["t%d" % i for i in
                                                     range(16)]) if w]
    assert len(winners) == 1
    assert instance_obj.Instance.get_by_uuid(
        cell, created.uuid).task_state == winners[0]

    deleting = instance_obj.Instance.get_by_uuid(cell, created.uuid)
    deleting.task_state = "deleting"
    deleting.save(expected_task_state=winners)
    late = instance_obj.Instance.get_by_uuid(cell, created.uuid)
    late.task_state = None
    with pytest.raises(exception.UnexpectedDeletingTaskStateError):
        late.save(expected_task_state=winners)
    late.vm_state = "error"
    with pytest.raises(exception.UnexpectedVMStateError):
        late.save(expected_vm_state=["stopped"])


def test_destroy_is_a_soft_delete(cell):
    created = _instance(cell, tags=["t"])
    created.destroy()
    with pytest.raises(exception.InstanceNotFound):
        instance_obj.Instance.get_by_uuid(cell, created.uuid)
    with pytest.raises(exception.InstanceNotFound):
        created.destroy()
    gone = instance_obj.Instance.get_by_uuid(cell, created.uuid,
                                             expected_attrs=["tags"],
                                             read_deleted=True)
    assert gone.deleted and gone.vm_state == "deleted"
    assert gone.terminated_at is not None and gone.tags == []
    listed = instance_obj.InstanceList.get_by_filters(cell, {"deleted": True})
    assert [i.uuid for i in listed] == [created.uuid]
    assert len(instance_obj.InstanceList.get_by_filters(
        cell, {"deleted": False})) == 0


@pytest.mark.parametrize("sort_keys,sort_dirs", [
    (["host", "display_name"], ["desc", "asc"]),
    (["host"], ["asc"]),
    (["launched_at"], ["desc"]),
    (["locked", "display_name"], ["asc", "desc"]),
])
def test_marker_pages_cover_the_sort_order_once(cell, sort_keys, sort_dirs):
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    hosts = [None, "h1", "h2", None, "H1", "h1", "h\u00e9"]
    for index, host in enumerate(hosts):
        _instance(cell, display_name="vm%d" % (index % 3), host=host,
                  locked=index % 2 == 0,
                  launched_at=None if index % 3 else start,
                  created_at=start + datetime.timedelta(minutes=index % 2))
    everything = list(instance_obj.InstanceList.get_by_filters(
        cell, {}, sort_keys, sort_dirs))
    keys, dirs = instance_query.normalize_sort(sort_keys, sort_dirs)
    python_order = sorted(everything, key=lambda inst: (
        instance_query.SortKey(inst, keys, dirs)))
    assert [i.uuid for i in everything] == [i.uuid for i in python_order]
    paged, marker = [], None
    while True:
        page = instance_obj.InstanceList.get_by_filters(
            cell, {}, sort_keys, sort_dirs, limit=2, marker=marker)
        if not page:
            break
        paged += [i.uuid for i in page]
        marker = page[-1].uuid
    assert paged == [i.uuid for i in everything]
    with pytest.raises(exception.MarkerNotFound):
        instance_obj.InstanceList.get_by_filters(cell, {}, marker="nope")
    with pytest.raises(exception.InvalidInput):
        instance_obj.InstanceList.get_by_filters(cell, {},
                                                 sort_dirs=["up"])


def test_regex_filters_match_on_every_backend(cell):
    for name, power_state in (("web-1", 1), ("web-2", 4), ("db", 1)):
        _instance(cell, display_name=name, power_state=power_state)

    def names(filters):
        return sorted(i.display_name for i in
                      instance_obj.InstanceList.get_by_filters(cell,
                                                               filters))
    assert names({"display_name": "^web"}) == ["web-1", "web-2"]
    assert names({"display_name": "B"}) == []
    assert names({"power_state": "^4$"}) == ["web-2"]
    assert names({"vm_state": ["active"], "task_state": [None]}) == [
        "db", "web-1", "web-2"]


def test_tag_limit_holds_under_concurrency(cell):
    created = _instance(cell)
    tag_obj.TagList.create(cell, created.uuid,
                           ["t%d" % i for i in range(tag_obj.MAX_TAG_COUNT
                                                     - 2)])

    def add(name):
        try:
            return tag_obj.Tag(cell, resource_id=created.uuid,
                               tag=name).create()
        except exception.TooManyTags:
            return False

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        added = list(pool.map(add, ["new%d" % i for i in range(6)]))
    assert added.count(True) == 2
    assert len(tag_obj.TagList.get_by_resource_id(cell, created.uuid)) == (
        tag_obj.MAX_TAG_COUNT)
    assert tag_obj.Tag.exists(cell, created.uuid, "t0")
    with pytest.raises(exception.InstanceTagNotFound):
        tag_obj.Tag.destroy(cell, created.uuid, "nope")
    with pytest.raises(exception.InstanceNotFound):
        tag_obj.Tag(cell, resource_id=str(uuid.uuid4()), tag="x").create()


def test_latest_fault_per_instance(cell):
    first, second = _instance(cell), _instance(cell)
    for message in ("one", "two"):
        instance_fault.InstanceFault.from_exception(
            first.uuid, exception.NoValidHost(reason=message)).create(cell)
    instance_fault.InstanceFault.from_exception(
        second.uuid, ValueError("bad"), exc_tb="Traceback").create(cell)
    faults = {f.instance_uuid: f for f in
              instance_fault.InstanceFaultList.get_latest_for_instances(
                  cell, [first.uuid, second.uuid])}
    assert faults[first.uuid].message == "No valid host was found. two"
    assert (faults[second.uuid].code, faults[second.uuid].message,
            faults[second.uuid].details) == (500, "bad", "Traceback")


def test_actions_and_events(cell):
    created = _instance(cell)
    instance_action.InstanceAction.action_start(cell, created.uuid, "stop")
    with instance_action.recorded_event(cell, created.uuid, "api_stop"):
        pass
    with pytest.raises(RuntimeError):
        with instance_action.recorded_event(cell, created.uuid, "boom"):
            raise RuntimeError("it broke")
    instance_action.InstanceAction.action_finish(cell, created.uuid)
    action = instance_action.InstanceAction.get_by_request_id(
        cell, created.uuid, cell.request_id)
    assert (action.action, action.message, action.user_id) == (
        "stop", "Error", cell.user_id)
    assert action.finish_time is not None
    events = instance_action.InstanceActionEventList.get_by_action(
        cell, action.id)
    assert [(e.event, e.result, e.details) for e in events] == [
        ("boom", "Error", "it broke"), ("api_stop", "Success", None)]
    assert events[0].traceback.endswith("RuntimeError: it broke\n")
    other = stratus_context.RequestContext(request_id="req-other",
                                           databases=cell.databases,
                                           cell_uuid=cell.cell_uuid)
    with pytest.raises(exception.InstanceActionNotFound):
        instance_action.InstanceActionEvent.event_start(other, created.uuid,
                                                        "x")


def test_api_database_records(cell):
    ctx = stratus_context.get_admin_context(cell.databases)
    flavor = flavor_obj.Flavor.get_by_flavor_id(ctx, "2")
    server_id = str(uuid.uuid4())
    instance = instance_obj.Instance(uuid=server_id, project_id="p",
                                     display_name="x", vm_state="building",
                                     tags=["a"], locked=False, flavor=flavor)
    build = build_request.BuildRequest(ctx, instance_uuid=server_id,
                                       project_id="p", instance=instance,
                                       tags=["a"])
    spec = request_spec.RequestSpec(
        ctx, instance_uuid=server_id, flavor=flavor,
        image=image_meta.ImageMeta(id=str(uuid.uuid4()), properties={}),
        scheduler_hints={"group": ["g"]},
        requested_networks=[{"network_id": "auto"}],
        security_groups=["default"])
    mapping = instance_mapping.InstanceMapping(
        ctx, instance_uuid=server_id, project_id="p", user_id="u")
    with ctx.api_db.writer() as session:
        for record in (build, spec, mapping):
            record.create(session=session)

    found = build_request.BuildRequestList.get_by_filters(
        ctx, {"project_id": "p", "tags": ["a"], "display_name": "^x$"})
    assert [b.instance.flavor.flavorid for b in found] == ["2"]
    assert not build_request.BuildRequestList.get_by_filters(
        ctx, {"project_id": "p", "not-tags-any": ["a"]})
    loaded = request_spec.RequestSpec.get_by_instance_uuid(ctx, server_id)
    assert (loaded.flavor.flavorid, loaded.scheduler_hints,
            loaded.requested_networks) == ("2", {"group": ["g"]},
                                           [{"network_id": "auto"}])
    mapped = instance_mapping.InstanceMapping.get_by_instance_uuid(
        ctx, server_id)
    mapped.cell_uuid = cell.cell_uuid
    mapped.save()
    assert [m.cell_uuid for m in instance_mapping.InstanceMappingList
            .get_by_project_id(ctx, "p")] == [cell.cell_uuid]
    found[0].destroy()
    with pytest.raises(exception.BuildRequestNotFound):
        found[0].destroy()
