"""Field types and state vocabularies shared by objects."""
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


# The state vocabularies live with the state machine.
VMState = states.VMState
TaskState = states.TaskState
PowerState = states.PowerState
