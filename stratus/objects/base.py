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


_ATTR = "_obj_"  # where oslo.versionedobjects keeps a field's value
_NAMESPACE = "stratus_object"
_NAME_KEY = _NAMESPACE + ".name"
_NAMESPACE_KEY = _NAMESPACE + ".namespace"
_VERSION_KEY = _NAMESPACE + ".version"
_DATA_KEY = _NAMESPACE + ".data"
_CHANGES_KEY = _NAMESPACE + ".changes"


_OBJECT_FIELD = fields.ObjectField
_LIST_OF_OBJECTS_FIELD = fields.ListOfObjectsField


def _passes_through(field, method):
    """Whether a field's to_/from_primitive returns its value unchanged
    (strings, integers, booleans, floats, UUIDs)."""
    return (getattr(type(field), method) is getattr(fields.Field, method)
            and getattr(type(field._type), method)
            is getattr(fields.FieldType, method))


def _codecs(cls):
    """[(name, field, converts to primitive, converts from primitive)] of
    cls's fields, worked out once per class."""
    codecs = cls.__dict__.get("_stratus_codecs")
    if codecs is None:
        codecs = [(name, field,
                   not _passes_through(field, "to_primitive"),
                   not _passes_through(field, "from_primitive"))
                  for name, field in cls.fields.items()]
        cls._stratus_codecs = codecs
    return codecs


class StratusObject(ovo_base.VersionedObject):
    """oslo.versionedobjects' VersionedObject with faster bookkeeping.

    Every RPC hop turns objects into primitives and back, and oslo's
    generic code does per field what can be done once: it builds the list
    of field names on each ``obj_attr_is_set``, reads every value through
    its property twice in ``obj_what_changed``, computes the changes twice
    per ``obj_to_primitive``, and coerces values ``from_primitive`` has
    already built. The overrides below give the same results (same
    primitives, same changes) reading the values where oslo stores them.
    """
    OBJ_SERIAL_NAMESPACE = _NAMESPACE
    OBJ_PROJECT_NAMESPACE = "stratus"

    def obj_attr_is_set(self, attrname):
        if attrname not in self.fields and (
                attrname not in self.obj_extra_fields):
            raise AttributeError("%s object has no attribute '%s'"
                                 % (self.obj_name(), attrname))
        return _ATTR + attrname in self.__dict__

    def obj_what_changed(self):
        fields_ = self.fields
        changes = {name for name in self._changed_fields if name in fields_}
        values = self.__dict__
        for name in fields_:
            value = values.get(_ATTR + name)
            if (value is not None and name not in changes
                    and isinstance(value, ovo_base.VersionedObject)
                    and value.obj_what_changed()):
                changes.add(name)
        return changes

    def obj_reset_changes(self, fields=None, recursive=False):
        # oslo's, reading the changed values where they are stored (its
        # obj_get_changes reads each through its property twice).
        if recursive:
            values = self.__dict__
            for name in self.obj_what_changed():
                value = values.get(_ATTR + name)
                if value is None or (fields and name not in fields):
                    continue
                field = self.fields[name]
                if isinstance(field, _OBJECT_FIELD):
                    value.obj_reset_changes(recursive=True)
                elif isinstance(field, _LIST_OF_OBJECTS_FIELD):
                    for thing in value:
                        thing.obj_reset_changes(recursive=True)
        if fields:
            self._changed_fields -= set(fields)
        else:
            self._changed_fields.clear()

    def obj_to_primitive(self, target_version=None, version_manifest=None):
        if target_version not in (None, self.VERSION):
            # Back-levelling: oslo's compat machinery (which, as here,
            # leaves an object sent at its own version as it is).
            return super().obj_to_primitive(target_version,
                                            version_manifest)
        values = self.__dict__
        data = {}
        for name, field, converts, _ in _codecs(type(self)):
            key = _ATTR + name
            if key in values:
                value = values[key]
                data[name] = (field.to_primitive(self, name, value)
                              if converts and value is not None else value)
        primitive = {_NAME_KEY: self.obj_name(),
                     _NAMESPACE_KEY: self.OBJ_PROJECT_NAMESPACE,
                     _VERSION_KEY: self.VERSION, _DATA_KEY: data}
        changes = [name for name in self.obj_what_changed() if name in data]
        if changes:
            primitive[_CHANGES_KEY] = changes
        return primitive

    @classmethod
    def _obj_from_primitive(cls, context, objver, primitive):
        self = cls()
        self._context = context
        self.VERSION = objver
        data = primitive[_DATA_KEY]
        values = self.__dict__
        for name, field, _, converts in _codecs(cls):
            if name in data:
                value = data[name]
                # from_primitive builds the field's own type: no coercion.
                values[_ATTR + name] = (
                    field.from_primitive(self, name, value)
                    if converts and value is not None else value)
        self._changed_fields = {name for name in primitive.get(
            _CHANGES_KEY, ()) if name in self.fields}
        return self

    @classmethod
    def _from_row(cls, obj, row, context=None, skip=()):
        """Fill obj's fields from the same-named attributes of a DB row
        (coerced as assignment would, without its change bookkeeping)."""
        values = obj.__dict__
        for name, field in obj.fields.items():
            if name in skip:
                continue
            try:
                value = getattr(row, name)
            except AttributeError:
                continue
            if value is None:
                if field.nullable:
                    values[_ATTR + name] = None
            else:
                values[_ATTR + name] = field.coerce(obj, name, value)
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
    """pin: a stratus.upgrade_pins.Pin whose manifest (when it has one)
    every object sent is back-levelled to: the object versions of an
    older receiver."""
    OBJ_BASE_CLASS = StratusObject

    def __init__(self, pin=None):
        super().__init__()
        self._pin = pin

    def serialize_entity(self, context, entity):
        manifest = None if self._pin is None else self._pin.manifest
        if manifest is None:
            return super().serialize_entity(context, entity)
        return back_levelled(entity, manifest)


def back_levelled(entity, manifest):
    """entity (an object, or containers of them) as primitives, each
    object at its version in manifest ({object name: version}; one it
    does not name at its own). An object that holds others bumps its
    version when theirs change (tests/unit/objects/test_versions.py), so
    that oslo's obj_make_compatible back-levels them too."""
    if isinstance(entity, ovo_base.VersionedObject):
        return entity.obj_to_primitive(
            target_version=manifest.get(entity.obj_name(), entity.VERSION),
            version_manifest=manifest)
    if isinstance(entity, dict):
        return {key: back_levelled(value, manifest)
                for key, value in entity.items()}
    if isinstance(entity, tuple):
        return tuple(back_levelled(value, manifest) for value in entity)
    if isinstance(entity, (list, set)):
        # A set of dicts cannot be: a list, as oslo sends it.
        return [back_levelled(value, manifest) for value in entity]
    return entity


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def obj_to_primitive(obj):
    return ovo_base.obj_to_primitive(obj)
