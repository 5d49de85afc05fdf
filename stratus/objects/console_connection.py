"""ConsoleConnection: where a guest's console is reached on its compute
host, as the virt driver reports it (what a console token unlocks)."""
from stratus.objects import base
from stratus.objects import fields


@base.register
class ConsoleConnection(base.StratusObject):
    VERSION = "1.0"
    fields = {
        # serial, novnc
        "console_type": fields.StringField(),
        "host": fields.StringField(),
        "port": fields.IntegerField(),
        "internal_access_path": fields.StringField(nullable=True,
                                                   default=None),
    }
