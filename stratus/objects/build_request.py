"""BuildRequest: a server the API has accepted but no cell holds yet.

Lives in the API database; listing and showing servers include build
requests so a new server is visible at once, in BUILD.
"""
from stratus.objects import base
from stratus.objects import fields


@base.register
class BuildRequest(base.StratusObject, base.StratusTimestampObject):
    VERSION = "1.0"
    fields = dict(base.StratusTimestampObject.fields, **{
        "id": fields.IntegerField(),
        "instance_uuid": fields.UUIDField(),
        "project_id": fields.StringField(),
        "instance": fields.ObjectField("Instance"),
        "tags": fields.ListOfStringsField(default=[]),
    })
