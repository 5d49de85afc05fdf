"""Selection: one host chosen by the scheduler for one instance, with the
claim already made against it."""
from stratus.objects import base
from stratus.objects import fields


@base.register
class Selection(base.StratusObject):
    VERSION = "1.0"
    fields = {
        "service_host": fields.StringField(),
        "nodename": fields.StringField(),
        "compute_node_uuid": fields.UUIDField(),
        # The node's id in its cell, for the instance's compute_id.
        "compute_node_id": fields.IntegerField(nullable=True),
        "cell_uuid": fields.UUIDField(),
        "limits": fields.DictOfIntegersField(nullable=True, default=None),
        # The JSON of the allocation made for this instance on this host.
        "allocation_request": fields.StringField(nullable=True),
        "availability_zone": fields.StringField(nullable=True),
    }
