"""Glance's metadata definitions catalogue (metadefs) in the built-in
image service: namespaces, each with its resource type associations,
properties, objects and tags.

A namespace is one row of ``image_metadef_namespaces``: what Glance
filters and sorts on (name, owner, visibility, protected, times) in
columns, the rest in one JSON document. A namespace is small, read whole
and written whole under a row lock, so a change of one property is a
read-modify-write of its namespace.

Who sees what, as in Glance's database layer: public namespaces are
visible to everyone, private ones to their owner's project and to
administrators; a namespace one may not see does not exist (404).

A cloud starts with a few of Glance's namespaces, those whose
properties Stratus honours or that state plain facts
(stratus/image/bootstrap.py ensure_default_metadefs), as a Glance after
``glance-manage db_load_metadefs``; an administrator imports more
(Glance's JSON files are accepted as they are).
"""
import copy
import datetime

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import api_models
from stratus import exception
from stratus.image import exception as image_exception

Namespace = api_models.ImageMetadefNamespace

# The resource types Glance's database starts with: what the other
# services put metadata on.
RESOURCE_TYPES = ("OS::Cinder::Volume", "OS::Glance::Image",
                  "OS::Nova::Aggregate", "OS::Nova::Flavor",
                  "OS::Nova::Server")
# The document's parts (the rest of a namespace is in columns).
PARTS = ("resource_type_associations", "properties", "objects", "tags")
_EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def is_visible(ctx, row):
    return (ctx.is_admin or row.visibility == "public"
            or (row.owner is not None and row.owner == ctx.project_id))


class MetadefStore:
    def __init__(self, databases):
        self.db = databases.api

    def list(self, ctx):
        """The namespaces ctx may see, as detached rows."""
        query = sa.select(Namespace)
        if not ctx.is_admin:
            query = query.where(sa.or_(Namespace.visibility == "public",
                                       Namespace.owner == ctx.project_id))
        with self.db.reader() as session:
            rows = list(session.scalars(query))
            session.expunge_all()
        return rows

    def get(self, ctx, name):
        with self.db.reader() as session:
            row = session.get(Namespace, name)
            if row is not None:
                session.expunge(row)
        if row is None or not is_visible(ctx, row):
            raise image_exception.MetadefNamespaceNotFound(namespace=name)
        return row

    def create(self, ctx, values, document):
        """A new namespace from its column values and document."""
        stamp = now()
        row = Namespace(created_at=stamp, updated_at=stamp,
                        document=stamp_document(document, stamp), **values)
        try:
            with self.db.writer() as session:
                if session.get(Namespace, values["namespace"]) is not None:
                    raise image_exception.MetadefDuplicateNamespace(
                        namespace=values["namespace"])
                session.add(row)
        except sa_exc.IntegrityError:
            raise image_exception.MetadefDuplicateNamespace(
                namespace=values["namespace"])
        return self.get(ctx, values["namespace"])

    def update(self, ctx, name, change):
        """change(row, document) on the locked namespace (it may set
        columns and change the document in place); the saved namespace.
        A rename moves the row."""
        try:
            with self.db.writer() as session:
                row = session.get(Namespace, name, with_for_update=True)
                if row is None or not is_visible(ctx, row):
                    raise image_exception.MetadefNamespaceNotFound(
                        namespace=name)
                document = copy.deepcopy(row.document or {})
                result = change(row, document)
                row.document = document
                row.updated_at = now()
                new_name = row.namespace
                if new_name != name and session.get(
                        Namespace, new_name) is not None:
                    raise image_exception.MetadefDuplicateNamespace(
                        namespace=new_name)
        except sa_exc.IntegrityError:
            raise image_exception.MetadefDuplicateNamespace(namespace=name)
        return result

    def delete(self, ctx, name):
        with self.db.writer() as session:
            row = session.get(Namespace, name, with_for_update=True)
            if row is None or not is_visible(ctx, row):
                raise image_exception.MetadefNamespaceNotFound(namespace=name)
            if row.protected:
                raise image_exception.MetadefNamespaceProtected(
                    namespace=name)
            session.delete(row)

    def resource_types(self, ctx):
        """{name: first time it was used}: the built-in types and those
        the visible namespaces associate."""
        found = {name: _EPOCH for name in RESOURCE_TYPES}
        for row in self.list(ctx):
            for association in (row.document or {}).get(
                    "resource_type_associations", []):
                found.setdefault(association["name"],
                                 _parse(association.get("created_at")))
        return found


def namespace_document(body):
    """The document of a namespace from its request body (or one of
    Glance's namespace files): the parts kept besides the columns, each
    item with the fields Glance keeps. Duplicate names in a part
    conflict."""
    document = {name: body[name] for name in ("display_name", "description")
                if name in body}
    document["resource_type_associations"] = [
        {key: value for key, value in item.items()
         if key in ("name", "prefix", "properties_target")}
        for item in body.get("resource_type_associations", [])]
    document["properties"] = dict(body.get("properties") or {})
    document["objects"] = [
        {key: value for key, value in item.items()
         if key in ("name", "description", "required", "properties")}
        for item in body.get("objects", [])]
    document["tags"] = [{"name": item["name"]}
                        for item in body.get("tags", [])]
    for part in ("resource_type_associations", "objects", "tags"):
        names = [item["name"] for item in document[part]]
        if len(set(names)) != len(names):
            raise exception.Conflict("Duplicate %s in the namespace." % part)
    return document


def stamp_document(document, stamp):
    """The document with created_at/updated_at on each association,
    object and tag that has none."""
    document = copy.deepcopy(document)
    text = stamp.isoformat()
    for part in ("resource_type_associations", "objects", "tags"):
        for item in document.get(part, []):
            item.setdefault("created_at", text)
            item.setdefault("updated_at", text)
    return document


def _parse(text):
    try:
        return datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return _EPOCH
