"""A compute's save sends the conductor the instance's changed fields
only (conductor RPC 1.14, instance_save.changed_part): the conductor,
which reads nothing else of it, saves exactly what the whole instance
would have saved, on the real databases."""
from stratus.objects import base as objects_base
from stratus.objects import fields
from stratus.objects import flavor as flavor_obj
from stratus.objects import instance as instance_obj
from stratus.objects import instance_save
from tests.unit.compute.test_api_objects import _instance
from tests.unit.compute.test_api_objects import cell  # noqa: F401 - fixture

TaskState = fields.TaskState
VMState = fields.VMState


def _over_rpc(ctx, instance):
    """instance as the conductor receives it (serialized and back)."""
    serializer = objects_base.StratusObjectSerializer()
    return serializer.deserialize_entity(
        ctx, serializer.serialize_entity(ctx, instance))


def test_the_part_holds_the_changes_uuid_and_cell(cell):  # noqa: F811
    built = _instance(cell, display_name="a", vm_state=VMState.BUILDING,
                      task_state=TaskState.SCHEDULING, info_cache="[]")
    loaded = instance_obj.Instance.get_by_uuid(cell, built.uuid)
    loaded.task_state = TaskState.SPAWNING
    loaded.host = "cmp1"
    part = instance_save.changed_part(loaded)
    assert {name for name in part.fields if part.obj_attr_is_set(name)} == {
        "uuid", "cell_uuid", "task_state", "host"}
    assert part.obj_what_changed() == {"task_state", "host"}
    received = _over_rpc(cell, part)
    assert received.obj_what_changed() == {"task_state", "host"}
    assert received.cell_uuid == cell.cell_uuid
    # The original keeps its changes until the conductor's answer.
    assert loaded.obj_what_changed() == {"task_state", "host"}


def test_the_conductor_saves_the_part_as_the_whole(cell):  # noqa: F811
    built = _instance(cell, display_name="a", vm_state=VMState.BUILDING,
                      task_state=TaskState.SPAWNING, metadata={"k": "v"},
                      info_cache="[]")
    loaded = instance_obj.Instance.get_by_uuid(cell, built.uuid,
                                               expected_attrs=["metadata"])
    loaded.vm_state = VMState.ACTIVE
    loaded.task_state = None
    loaded.info_cache = '[{"id": "port"}]'
    loaded.metadata["k2"] = "v2"
    received = _over_rpc(cell, instance_save.changed_part(loaded))
    assert received.save(expected_task_state=TaskState.SPAWNING) is True
    stored = instance_obj.Instance.get_by_uuid(cell, built.uuid,
                                               expected_attrs=["metadata"])
    assert (stored.vm_state, stored.task_state, stored.info_cache,
            stored.metadata, stored.display_name, stored.flavor.name) == (
        VMState.ACTIVE, None, '[{"id": "port"}]', {"k": "v", "k2": "v2"},
        "a", "m1.tiny")
    assert instance_save.saved_values(received)["cell_uuid"] == \
        cell.cell_uuid


def test_a_changed_flavor_goes_with_the_others(cell):  # noqa: F811
    """The flavors are one document: a resize's new flavor is written
    with the current one, which did not change."""
    built = _instance(cell)
    loaded = instance_obj.Instance.get_by_uuid(cell, built.uuid)
    loaded.new_flavor = flavor_obj.Flavor.get_by_flavor_id(cell, "2")
    loaded.old_flavor = None
    part = instance_save.changed_part(loaded)
    assert part.flavor.name == "m1.tiny"
    assert _over_rpc(cell, part).save() is True
    stored = instance_obj.Instance.get_by_uuid(cell, built.uuid)
    assert (stored.flavor.name, stored.new_flavor.name) == ("m1.tiny",
                                                           "m1.small")
