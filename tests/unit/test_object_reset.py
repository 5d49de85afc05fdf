"""StratusObject.obj_reset_changes gives oslo.versionedobjects' results:
what the sender of an object over RPC sees as changed afterwards."""
from oslo_versionedobjects import base as ovo_base

from stratus.objects import block_device_mapping as bdm_obj
from stratus.objects import flavor as flavor_obj
from stratus.objects import instance as instance_obj


def _changed_instance():
    flavor = flavor_obj.Flavor(flavorid="1", name="tiny", memory_mb=512)
    instance = instance_obj.Instance(uuid="u", host="h", flavor=flavor,
                                     metadata={"k": "v"})
    return instance, flavor


def test_a_recursive_reset_resets_what_oslo_resets():
    for reset in (instance_obj.Instance.obj_reset_changes,
                  ovo_base.VersionedObject.obj_reset_changes):
        instance, flavor = _changed_instance()
        reset(instance, recursive=True)
        assert instance.obj_what_changed() == set()
        assert flavor.obj_what_changed() == set()
        instance, flavor = _changed_instance()
        reset(instance, ["host"], recursive=True)
        assert "host" not in instance.obj_what_changed()
        assert "flavor" in instance.obj_what_changed()
        reset(instance, ["flavor"], recursive=True)
        assert flavor.obj_what_changed() == set()
        instance, flavor = _changed_instance()
        reset(instance)
        assert instance.obj_what_changed() == {"flavor"}
        assert flavor.obj_what_changed()


def test_a_list_resets_its_objects():
    mapping = bdm_obj.BlockDeviceMapping(instance_uuid="u", boot_index=0)
    mappings = bdm_obj.BlockDeviceMappingList(objects=[mapping])
    mappings.obj_reset_changes(recursive=True)
    assert mapping.obj_what_changed() == set()
    assert mappings.obj_what_changed() == set()
