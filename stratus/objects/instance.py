"""Instance: a server. Lives in its cell's database.

Fields mirror the cell DB's instances table plus the documents kept in
instance_extra (flavor, keypairs, image properties) and the metadata,
system metadata, tags, fault and info cache rows, loaded on demand via
``expected_attrs``.
"""
from stratus.objects import base
from stratus.objects import fields

# Attributes that are not columns of the instances table; loaded only when
# asked for with expected_attrs.
OPTIONAL_ATTRS = ["metadata", "system_metadata", "flavor", "tags", "fault",
                  "keypairs", "info_cache", "image_properties",
                  "locked_reason"]


@base.register
class Instance(base.StratusObject, base.StratusPersistentObject):
    VERSION = "1.0"
    fields = dict(base.StratusPersistentObject.fields, **{
        "id": fields.IntegerField(),
        "uuid": fields.UUIDField(),
        "user_id": fields.StringField(nullable=True),
        "project_id": fields.StringField(nullable=True),
        "image_ref": fields.StringField(nullable=True),
        "kernel_id": fields.StringField(nullable=True),
        "ramdisk_id": fields.StringField(nullable=True),
        "hostname": fields.StringField(nullable=True),
        "launch_index": fields.IntegerField(nullable=True),
        "key_name": fields.StringField(nullable=True),
        "key_data": fields.StringField(nullable=True),
        "power_state": fields.IntegerField(nullable=True),
        "vm_state": fields.StringField(nullable=True),
        "task_state": fields.StringField(nullable=True),
        "memory_mb": fields.IntegerField(nullable=True),
        "vcpus": fields.IntegerField(nullable=True),
        "root_gb": fields.IntegerField(nullable=True),
        "ephemeral_gb": fields.IntegerField(nullable=True),
        "host": fields.StringField(nullable=True),
        "node": fields.StringField(nullable=True),
        "compute_id": fields.IntegerField(nullable=True),
        "instance_type_id": fields.IntegerField(nullable=True),
        "user_data": fields.StringField(nullable=True),
        "reservation_id": fields.StringField(nullable=True),
        "launched_at": fields.DateTimeField(nullable=True),
        "terminated_at": fields.DateTimeField(nullable=True),
        "availability_zone": fields.StringField(nullable=True),
        "display_name": fields.StringField(nullable=True),
        "display_description": fields.StringField(nullable=True),
        "launched_on": fields.StringField(nullable=True),
        "locked": fields.BooleanField(default=False),
        "locked_by": fields.StringField(nullable=True),
        "locked_reason": fields.StringField(nullable=True),
        "os_type": fields.StringField(nullable=True),
        "architecture": fields.StringField(nullable=True),
        "vm_mode": fields.StringField(nullable=True),
        "root_device_name": fields.StringField(nullable=True),
        "config_drive": fields.StringField(nullable=True),
        "access_ip_v4": fields.StringField(nullable=True),
        "access_ip_v6": fields.StringField(nullable=True),
        "auto_disk_config": fields.BooleanField(default=False),
        "progress": fields.IntegerField(nullable=True),
        "shutdown_terminate": fields.BooleanField(default=False),
        "disable_terminate": fields.BooleanField(default=False),
        "hidden": fields.BooleanField(default=False),
        # Loaded on demand (OPTIONAL_ATTRS)
        "metadata": fields.DictOfStringsField(default={}),
        "system_metadata": fields.DictOfNullableStringsField(default={}),
        "flavor": fields.ObjectField("Flavor"),
        "tags": fields.ListOfStringsField(default=[]),
        "fault": fields.ObjectField("InstanceFault", nullable=True),
        "keypairs": fields.ObjectField("KeyPairList"),
        # network_info as the JSON list Nova keeps in instance_info_caches
        "info_cache": fields.StringField(nullable=True),
        "image_properties": fields.DictOfNullableStringsField(default={}),
        # The cell this instance lives in (not a column; set on load).
        "cell_uuid": fields.UUIDField(nullable=True),
    })
