"""Base classes for Stratus's versioned objects."""
import datetime

from oslo_utils import versionutils
from oslo_versionedobjects import base as ovo_base
from oslo_versionedobjects import fields

from stratus import objects


class StratusObjectRegistry(ovo_base.VersionedObjectRegistry):
    def registration_hook(self, cls, index):
        # Reachable as stratus.objects.<Name> (the newest version wins).
        version = versionutils.convert_version_to_tuple(cls.VERSION)
        existing = getattr(objects, cls.obj_name(), None)
        if existing is None or version >= versionutils.convert_version_to_tuple(
                existing.VERSION):
            setattr(objects, cls.obj_name(), cls)


register = StratusObjectRegistry.register


class StratusObject(ovo_base.VersionedObject):
    OBJ_SERIAL_NAMESPACE = "stratus_object"
    OBJ_PROJECT_NAMESPACE = "stratus"

    @classmethod
    def _from_row(cls, obj, row, context=None, skip=()):
        """Fill obj's fields from the same-named attributes of a DB row."""
        for name in obj.fields:
            if name in skip:
                continue
            if hasattr(row, name):
                value = getattr(row, name)
                if value is None and not obj.fields[name].nullable:
                    continue
                setattr(obj, name, value)
        obj._context = context
        obj.obj_reset_changes()
        return obj

    def obj_fields_set(self):
        return {name for name in self.fields if self.obj_attr_is_set(name)}

    def get(self, name, default=None):
        if name in self.fields and self.obj_attr_is_set(name):
            return getattr(self, name)
        return default


class StratusTimestampObject:
    fields = {
        "created_at": fields.DateTimeField(nullable=True),
        "updated_at": fields.DateTimeField(nullable=True),
    }


class StratusPersistentObject(StratusTimestampObject):
    fields = {
        "created_at": fields.DateTimeField(nullable=True),
        "updated_at": fields.DateTimeField(nullable=True),
        "deleted_at": fields.DateTimeField(nullable=True),
        "deleted": fields.BooleanField(default=False),
    }


class ObjectListBase(ovo_base.ObjectListBase):
    @classmethod
    def _obj_primitive_key(cls, field):
        return "stratus_object.%s" % field

    @classmethod
    def from_objects(cls, context, items):
        result = cls(objects=list(items))
        result._context = context
        result.obj_reset_changes()
        return result


class StratusObjectSerializer(ovo_base.VersionedObjectSerializer):
    OBJ_BASE_CLASS = StratusObject


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def obj_to_primitive(obj):
    return ovo_base.obj_to_primitive(obj)
