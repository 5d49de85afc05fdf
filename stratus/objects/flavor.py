"""Flavor: the size of a server. Lives in the API database.

A flavor's extra specs and the projects that may use it (when it is not
public) are loaded with it, in bulk for lists. Contexts that are not admin
only ever see public flavors and the private ones their project was given
access to, as in Nova.
"""
import collections
import uuid

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import api_models
from stratus import exception
from stratus.objects import base
from stratus.objects import fields

# The keys GET /flavors may sort by: the flavors table's columns.
SORT_KEYS = ("created_at", "description", "disabled", "ephemeral_gb",
             "flavorid", "id", "is_public", "memory_mb", "name", "root_gb",
             "rxtx_factor", "swap", "updated_at", "vcpu_weight", "vcpus")

# Nova devstack's usual flavors: (flavorid, name, memory_mb, vcpus, root_gb)
DEFAULT_FLAVORS = (
    ("1", "m1.tiny", 512, 1, 1),
    ("2", "m1.small", 2048, 1, 20),
    ("3", "m1.medium", 4096, 2, 40),
    ("4", "m1.large", 8192, 4, 80),
    ("5", "m1.xlarge", 16384, 8, 160),
)

_COLUMNS = ("name", "flavorid", "memory_mb", "vcpus", "root_gb",
            "ephemeral_gb", "swap", "rxtx_factor", "vcpu_weight", "disabled",
            "is_public", "description")
_DEFAULTS = {"ephemeral_gb": 0, "swap": 0, "rxtx_factor": 1.0,
             "vcpu_weight": None, "disabled": False, "is_public": True,
             "description": None}


def _visible(query, context):
    """Restrict a flavors query to what the context may see."""
    if context.is_admin:
        return query
    return query.where(sa.or_(
        api_models.Flavor.is_public.is_(True),
        _has_access(context.project_id)))


def _has_access(project_id):
    return sa.exists().where(
        api_models.FlavorProject.flavor_id == api_models.Flavor.id,
        api_models.FlavorProject.project_id == project_id)


# Statements built once (a create reads its flavor).
_IDS = sa.bindparam("ids", expanding=True)
_SPECS_T = api_models.FlavorExtraSpec.__table__
_PROJECTS_T = api_models.FlavorProject.__table__
_SPECS_OF = sa.select(_SPECS_T.c.flavor_id, _SPECS_T.c.key,
                      _SPECS_T.c.value).where(_SPECS_T.c.flavor_id.in_(_IDS))
_PROJECTS_OF = sa.select(_PROJECTS_T.c.flavor_id,
                         _PROJECTS_T.c.project_id).where(
    _PROJECTS_T.c.flavor_id.in_(_IDS)).order_by(_PROJECTS_T.c.id)
_FLAVORS_T = api_models.Flavor.__table__
_BY_FLAVORID_ADMIN = sa.select(_FLAVORS_T).where(
    _FLAVORS_T.c.flavorid == sa.bindparam("flavorid"))
_BY_FLAVORID_VISIBLE = _BY_FLAVORID_ADMIN.where(sa.or_(
    _FLAVORS_T.c.is_public.is_(True),
    sa.exists().where(_PROJECTS_T.c.flavor_id == _FLAVORS_T.c.id,
                      _PROJECTS_T.c.project_id
                      == sa.bindparam("project_id"))))


def _load_children(session, flavor_ids):
    """({flavor id: extra specs}, {flavor id: [project ids]}) in two queries."""
    specs = collections.defaultdict(dict)
    projects = collections.defaultdict(list)
    if flavor_ids:
        params = {"ids": list(flavor_ids)}
        for flavor_id, key, value in session.execute(_SPECS_OF, params):
            specs[flavor_id][key] = value
        for flavor_id, project_id in session.execute(_PROJECTS_OF, params):
            projects[flavor_id].append(project_id)
    return specs, projects


def _from_rows(context, session, rows):
    specs, projects = _load_children(session, [row.id for row in rows])
    return [Flavor._from_db(context, row, specs[row.id], projects[row.id])
            for row in rows]


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._orig_extra_specs = {}
        self._orig_projects = []

    @classmethod
    def _from_db(cls, context, row, extra_specs, projects):
        flavor = cls._from_row(cls(), row, context)
        flavor.extra_specs = dict(extra_specs)
        flavor.projects = list(projects)
        flavor.obj_reset_changes()
        return flavor

    def obj_reset_changes(self, fields=None, recursive=False):
        super().obj_reset_changes(fields, recursive)
        if fields is None or "extra_specs" in fields:
            self._orig_extra_specs = (dict(self.extra_specs)
                                      if self.obj_attr_is_set("extra_specs")
                                      else {})
        if fields is None or "projects" in fields:
            self._orig_projects = (list(self.projects)
                                   if self.obj_attr_is_set("projects")
                                   else [])

    def obj_what_changed(self):
        # extra specs and projects are often changed in place
        changed = super().obj_what_changed()
        if (self.obj_attr_is_set("extra_specs")
                and self.extra_specs != self._orig_extra_specs):
            changed.add("extra_specs")
        if (self.obj_attr_is_set("projects")
                and self.projects != self._orig_projects):
            changed.add("projects")
        return changed

    # Lookups --------------------------------------------------------------

    @classmethod
    def _get_one(cls, context, where, not_found_id):
        with context.api_db.reader() as session:
            row = session.scalar(_visible(
                sa.select(api_models.Flavor).where(where), context))
            if row is None:
                raise exception.FlavorNotFound(flavor_id=not_found_id)
            return _from_rows(context, session, [row])[0]

    @classmethod
    def get_by_id(cls, context, id):
        return cls._get_one(context, api_models.Flavor.id == id, id)

    @classmethod
    def get_by_flavor_id(cls, context, flavorid):
        query = (_BY_FLAVORID_ADMIN if context.is_admin
                 else _BY_FLAVORID_VISIBLE)
        with context.api_db.reader() as session:
            row = session.execute(query, {
                "flavorid": flavorid,
                "project_id": context.project_id}).first()
            if row is None:
                raise exception.FlavorNotFound(flavor_id=flavorid)
            return _from_rows(context, session, [row])[0]

    @classmethod
    def get_by_name(cls, context, name):
        return cls._get_one(context, api_models.Flavor.name == name, name)

    # Changes --------------------------------------------------------------

    def create(self):
        if self.obj_attr_is_set("id"):
            raise exception.StratusException("Flavor is already created")
        if not self.obj_attr_is_set("flavorid"):
            self.flavorid = str(uuid.uuid4())
        values = {name: (getattr(self, name) if self.obj_attr_is_set(name)
                         else _DEFAULTS[name]) for name in _COLUMNS}
        extra_specs = self.get("extra_specs", {})
        projects = self.get("projects", [])
        try:
            with self._context.api_db.writer() as session:
                _check_unique(session, values["name"], values["flavorid"])
                row = api_models.Flavor(**values)
                session.add(row)
                session.flush()
                session.add_all(
                    [api_models.FlavorExtraSpec(flavor_id=row.id, key=key,
                                                value=value)
                     for key, value in extra_specs.items()]
                    + [api_models.FlavorProject(flavor_id=row.id,
                                                project_id=project_id)
                       for project_id in projects])
                self._from_row(self, row, self._context)
        except sa_exc.IntegrityError:
            # another request created the same flavor meanwhile
            with self._context.api_db.reader() as session:
                _check_unique(session, values["name"], values["flavorid"])
            raise
        self.extra_specs = dict(extra_specs)
        self.projects = list(projects)
        self.obj_reset_changes()

    def save(self):
        changes = self.obj_get_changes()
        changes.pop("projects", None)
        extra_specs = changes.pop("extra_specs", None)
        columns = {name: value for name, value in changes.items()
                   if name in _COLUMNS}
        with self._context.api_db.writer() as session:
            if columns:
                session.execute(sa.update(api_models.Flavor).where(
                    api_models.Flavor.id == self.id).values(**columns))
            if extra_specs is not None:
                self._write_extra_specs(session, extra_specs)
            added, removed = self._project_changes()
            for project_id in added:
                session.add(api_models.FlavorProject(
                    flavor_id=self.id, project_id=project_id))
            if removed:
                session.execute(sa.delete(api_models.FlavorProject).where(
                    api_models.FlavorProject.flavor_id == self.id,
                    api_models.FlavorProject.project_id.in_(removed)))
        self.obj_reset_changes()

    def _project_changes(self):
        if not self.obj_attr_is_set("projects"):
            return [], []
        added = [p for p in self.projects if p not in self._orig_projects]
        removed = [p for p in self._orig_projects if p not in self.projects]
        return added, removed

    def _write_extra_specs(self, session, extra_specs):
        removed = [key for key in self._orig_extra_specs
                   if key not in extra_specs]
        if removed:
            session.execute(sa.delete(api_models.FlavorExtraSpec).where(
                api_models.FlavorExtraSpec.flavor_id == self.id,
                api_models.FlavorExtraSpec.key.in_(removed)))
        wanted = {key: value for key, value in extra_specs.items()
                  if self._orig_extra_specs.get(key) != value}
        if not wanted:
            return
        existing = {row.key: row for row in session.scalars(
            sa.select(api_models.FlavorExtraSpec).where(
                api_models.FlavorExtraSpec.flavor_id == self.id,
                api_models.FlavorExtraSpec.key.in_(list(wanted))))}
        for key, value in wanted.items():
            if key in existing:
                existing[key].value = value
            else:
                session.add(api_models.FlavorExtraSpec(
                    flavor_id=self.id, key=key, value=value))
        try:
            session.flush()
        except sa_exc.IntegrityError:
            raise exception.ConcurrentUpdate(
                what="the extra specs of flavor %s" % self.flavorid)

    def add_access(self, project_id):
        with self._context.api_db.writer() as session:
            if session.scalar(sa.select(api_models.FlavorProject.id).where(
                    api_models.FlavorProject.flavor_id == self.id,
                    api_models.FlavorProject.project_id == project_id)):
                raise exception.FlavorAccessExists(
                    flavor_id=self.flavorid, project_id=project_id)
            session.add(api_models.FlavorProject(flavor_id=self.id,
                                                 project_id=project_id))
            try:
                session.flush()
            except sa_exc.IntegrityError:
                raise exception.FlavorAccessExists(
                    flavor_id=self.flavorid, project_id=project_id)
        self.projects = self.projects + [project_id]
        self.obj_reset_changes(["projects"])

    def remove_access(self, project_id):
        with self._context.api_db.writer() as session:
            deleted = session.execute(sa.delete(
                api_models.FlavorProject).where(
                api_models.FlavorProject.flavor_id == self.id,
                api_models.FlavorProject.project_id == project_id)).rowcount
        if not deleted:
            raise exception.FlavorAccessNotFound(flavor_id=self.flavorid,
                                                 project_id=project_id)
        self.projects = [p for p in self.projects if p != project_id]
        self.obj_reset_changes(["projects"])

    def destroy(self):
        if self.obj_attr_is_set("id"):
            where = api_models.Flavor.id == self.id
        else:
            where = api_models.Flavor.flavorid == self.flavorid
        with self._context.api_db.writer() as session:
            flavor_id = session.scalar(sa.select(api_models.Flavor.id).where(
                where))
            if flavor_id is None:
                raise exception.FlavorNotFound(
                    flavor_id=self.get("flavorid", self.get("id")))
            for child in (api_models.FlavorExtraSpec,
                          api_models.FlavorProject):
                session.execute(sa.delete(child).where(
                    child.flavor_id == flavor_id))
            session.execute(sa.delete(api_models.Flavor).where(
                api_models.Flavor.id == flavor_id))

    @classmethod
    def ensure_defaults(cls, context):
        """Create the m1.* flavors that do not exist yet; idempotent."""
        with context.api_db.reader() as session:
            taken = set()
            for flavorid, name in session.execute(sa.select(
                    api_models.Flavor.flavorid, api_models.Flavor.name)):
                taken.update((("id", flavorid), ("name", name)))
        for flavorid, name, memory_mb, vcpus, root_gb in DEFAULT_FLAVORS:
            if ("id", flavorid) in taken or ("name", name) in taken:
                continue
            flavor = cls(context=context, flavorid=flavorid, name=name,
                         memory_mb=memory_mb, vcpus=vcpus, root_gb=root_gb)
            try:
                flavor.create()
            except (exception.FlavorExists, sa_exc.IntegrityError):
                pass  # created by a concurrent bootstrap


def _check_unique(session, name, flavorid):
    if session.scalar(sa.select(api_models.Flavor.id).where(
            api_models.Flavor.flavorid == flavorid)):
        raise exception.FlavorExists(field="ID", value=flavorid)
    if session.scalar(sa.select(api_models.Flavor.id).where(
            api_models.Flavor.name == name)):
        raise exception.FlavorExists(field="name", value=name)


def _after_marker(column, marker_value, marker_id, descending):
    """Rows after the marker row in (column, id) order, NULLs first when
    ascending (and last when descending) on every database."""
    id_column = api_models.Flavor.id
    id_after = id_column < marker_id if descending else id_column > marker_id
    if marker_value is None:
        if descending:
            return sa.and_(column.is_(None), id_after)
        return sa.or_(column.is_not(None),
                      sa.and_(column.is_(None), id_after))
    beyond = column < marker_value if descending else column > marker_value
    after = sa.or_(beyond, sa.and_(column == marker_value, id_after))
    if descending:
        return sa.or_(column.is_(None), after)
    return sa.and_(column.is_not(None), after)


@base.register
class FlavorList(base.ObjectListBase, base.StratusObject):
    VERSION = "1.0"
    fields = {"objects": fields.ListOfObjectsField("Flavor")}

    @classmethod
    def get_all(cls, context, filters=None, sort_key="flavorid",
                sort_dir="asc", limit=None, marker=None):
        """Flavors matching filters (is_public: True, False or None for
        both; disabled; min_memory_mb; min_root_gb), one page of them when
        limit/marker are given; raises Invalid for an unknown marker."""
        filters = filters or {}
        model = api_models.Flavor
        query = _visible(sa.select(model), context)
        is_public = filters.get("is_public")
        if is_public is not None:
            if is_public and context.project_id is not None:
                query = query.where(sa.or_(model.is_public.is_(True),
                                           _has_access(context.project_id)))
            else:
                query = query.where(model.is_public.is_(bool(is_public)))
        if "disabled" in filters:
            query = query.where(model.disabled.is_(bool(filters["disabled"])))
        if "min_memory_mb" in filters:
            query = query.where(model.memory_mb >= filters["min_memory_mb"])
        if "min_root_gb" in filters:
            query = query.where(model.root_gb >= filters["min_root_gb"])
        column = getattr(model, sort_key)
        descending = sort_dir == "desc"
        nulls_first = sa.case((column.is_(None), 0), else_=1)
        if descending:
            query = query.order_by(nulls_first.desc(), column.desc(),
                                   model.id.desc())
        else:
            query = query.order_by(nulls_first, column, model.id)
        with context.api_db.reader() as session:
            if marker is not None:
                marker_row = session.execute(_visible(
                    sa.select(column, model.id).where(
                        model.flavorid == marker), context)).first()
                if marker_row is None:
                    raise exception.Invalid("marker [%s] not found" % marker)
                query = query.where(_after_marker(
                    column, marker_row[0], marker_row[1], descending))
            if limit is not None:
                query = query.limit(limit)
            rows = list(session.scalars(query))
            return cls.from_objects(context,
                                    _from_rows(context, session, rows))
