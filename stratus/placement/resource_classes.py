"""Resource class names and the integer ids the tables store.

A standard class's id is its index in ``os_resource_classes.STANDARDS``, so
it never needs a lookup; custom classes (``CUSTOM_*``) are rows of the
``resource_classes`` table, numbered from CUSTOM_ID_START.
"""
import os_resource_classes as orc
import sqlalchemy as sa

from stratus.db import api_models
from stratus.placement import exception

CUSTOM_ID_START = 10000
_STANDARD_IDS = {name: index for index, name in enumerate(orc.STANDARDS)}
_CUSTOM = api_models.ResourceClass.__table__


def id_of(session, name):
    standard = _STANDARD_IDS.get(name)
    if standard is not None:
        return standard
    row_id = session.scalar(sa.select(_CUSTOM.c.id).where(
        _CUSTOM.c.name == name))
    if row_id is None:
        raise exception.ResourceClassNotFound(name=name)
    return CUSTOM_ID_START + row_id


def ids_of(session, names):
    return {name: id_of(session, name) for name in names}


def names_of(session, class_ids):
    """{id: name} for the given ids."""
    names = {}
    custom = []
    for class_id in class_ids:
        if class_id < CUSTOM_ID_START:
            names[class_id] = orc.STANDARDS[class_id]
        else:
            custom.append(class_id - CUSTOM_ID_START)
    if custom:
        for row_id, name in session.execute(sa.select(
                _CUSTOM.c.id, _CUSTOM.c.name).where(_CUSTOM.c.id.in_(custom))):
            names[CUSTOM_ID_START + row_id] = name
    return names
