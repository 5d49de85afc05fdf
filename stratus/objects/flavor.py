"""Flavor: the size of a server. Lives in the API database.

Persistence (get_by_flavor_id, get_by_id, create, save, destroy, list,
extra specs, projects) is implemented in this module.
"""
from stratus.objects import base
from stratus.objects import fields


@base.register
class Flavor(base.StratusObject, base.StratusTimestampObject):
    VERSION = "1.0"
    fields = dict(base.StratusTimestampObject.fields, **{
        "id": fields.IntegerField(),
        "name": fields.StringField(nullable=True),
        "memory_mb": fields.IntegerField(),
        "vcpus": fields.IntegerField(),
        "root_gb": fields.IntegerField(),
        "ephemeral_gb": fields.IntegerField(),
        "flavorid": fields.StringField(),
        "swap": fields.IntegerField(),
        "rxtx_factor": fields.FloatField(nullable=True, default=1.0),
        "vcpu_weight": fields.IntegerField(nullable=True),
        "disabled": fields.BooleanField(default=False),
        "is_public": fields.BooleanField(default=True),
        "extra_specs": fields.DictOfStringsField(default={}),
        "projects": fields.ListOfStringsField(default=[]),
        "description": fields.StringField(nullable=True),
    })
