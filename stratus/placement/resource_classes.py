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


def _custom_id(session, name):
    row_id = session.scalar(sa.select(_CUSTOM.c.id).where(
        _CUSTOM.c.name == name))
    if row_id is None:
        raise exception.ResourceClassNotFound(name=name)
    return row_id


def list_classes(ctx):
    with ctx.api_db.reader() as session:
        custom = list(session.scalars(sa.select(_CUSTOM.c.name).order_by(
            _CUSTOM.c.id)))
    return list(orc.STANDARDS) + custom


def class_exists(ctx, name):
    with ctx.api_db.reader() as session:
        try:
            id_of(session, name)
        except exception.ResourceClassNotFound:
            return False
    return True


def create_class(ctx, name):
    """Raises ResourceClassExists if it does."""
    from sqlalchemy import exc as sa_exc
    from stratus.db.types import utcnow
    if name in _STANDARD_IDS:
        raise exception.ResourceClassExists(name=name)
    try:
        with ctx.api_db.writer() as session:
            if session.scalar(sa.select(_CUSTOM.c.id).where(
                    _CUSTOM.c.name == name)) is not None:
                raise exception.ResourceClassExists(name=name)
            session.execute(_CUSTOM.insert().values(name=name,
                                                    created_at=utcnow()))
    except sa_exc.IntegrityError:
        raise exception.ResourceClassExists(name=name)


def rename_class(ctx, name, new_name):
    from sqlalchemy import exc as sa_exc
    if name in _STANDARD_IDS:
        raise exception.ResourceClassCannotChangeStandard(name=name)
    try:
        with ctx.api_db.writer() as session:
            row_id = _custom_id(session, name)
            if new_name in _STANDARD_IDS or session.scalar(sa.select(
                    _CUSTOM.c.id).where(_CUSTOM.c.name == new_name)):
                raise exception.ResourceClassExists(name=new_name)
            session.execute(_CUSTOM.update().where(
                _CUSTOM.c.id == row_id).values(name=new_name))
    except sa_exc.IntegrityError:
        raise exception.ResourceClassExists(name=new_name)


def delete_class(ctx, name):
    if name in _STANDARD_IDS:
        raise exception.ResourceClassCannotChangeStandard(name=name)
    inventories = api_models.Inventory.__table__
    allocations = api_models.Allocation.__table__
    with ctx.api_db.writer() as session:
        row_id = _custom_id(session, name)
        class_id = CUSTOM_ID_START + row_id
        for table in (inventories, allocations):
            if session.scalar(sa.select(sa.func.count()).where(
                    table.c.resource_class_id == class_id)):
                raise exception.ResourceClassInUse(name=name)
        session.execute(_CUSTOM.delete().where(_CUSTOM.c.id == row_id))
