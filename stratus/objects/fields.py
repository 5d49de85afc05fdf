"""Field types and state vocabularies shared by objects."""
import ipaddress

from oslo_versionedobjects import fields

from stratus.compute import states

# Re-exported so object modules import one place.
BooleanField = fields.BooleanField
DateTimeField = fields.DateTimeField
DictOfNullableStringsField = fields.DictOfNullableStringsField
DictOfStringsField = fields.DictOfStringsField
FlexibleBooleanField = fields.FlexibleBooleanField
FloatField = fields.FloatField
IntegerField = fields.IntegerField
ListOfObjectsField = fields.ListOfObjectsField
ListOfStringsField = fields.ListOfStringsField
ObjectField = fields.ObjectField
StringField = fields.StringField
UUIDField = fields.UUIDField
DictOfIntegersField = fields.DictOfIntegersField
ListOfDictOfNullableStringsField = fields.ListOfDictOfNullableStringsField
Field = fields.Field
BaseEnumField = fields.BaseEnumField
Enum = fields.Enum
DictOfListOfStringsField = fields.DictOfListOfStringsField


class IPAddressString(fields.String):
    """An IP address kept as text in its canonical form, as Nova's
    IPV4/IPV6AddressField keep it (0000:...:babe:220.12.22.2 is stored
    as ::babe:dc0c:1602): never longer than the column holding it."""

    @staticmethod
    def coerce(obj, attr, value):
        text = str(value)
        if not text:
            return text
        try:
            return str(ipaddress.ip_address(text))
        except ValueError:
            raise ValueError("%s is not an IP address" % text[:64])


class IPAddressStringField(fields.AutoTypedField):
    AUTO_TYPE = IPAddressString()


# The state vocabularies live with the state machine.
VMState = states.VMState
TaskState = states.TaskState
PowerState = states.PowerState
