"""RequestSpec: everything the scheduler needs to place one server, kept
in the API database for the server's whole life (moves reuse it)."""
from stratus.objects import base
from stratus.objects import fields


@base.register
class RequestSpec(base.StratusObject):
    VERSION = "1.0"
    fields = {
        "id": fields.IntegerField(),
        "instance_uuid": fields.UUIDField(),
        "project_id": fields.StringField(nullable=True),
        "user_id": fields.StringField(nullable=True),
        "flavor": fields.ObjectField("Flavor"),
        "image": fields.ObjectField("ImageMeta", nullable=True),
        "num_instances": fields.IntegerField(default=1),
        "availability_zone": fields.StringField(nullable=True),
        # Scheduler hints as given at create: {name: [values]}
        "scheduler_hints": fields.DictOfListOfStringsField(default={}),
        "requested_host": fields.StringField(nullable=True),
        "requested_hypervisor_hostname": fields.StringField(nullable=True),
        "instance_group_uuid": fields.UUIDField(nullable=True),
        # Hosts already tried for this build (for rescheduling).
        "ignore_hosts": fields.ListOfStringsField(default=[]),
        "is_bfv": fields.BooleanField(default=False),
    }
