"""Quotas: the quota limits stored for a project (and one of its users).

Defaults come from the [quota] options; the API database keeps only the
overrides: the ``default`` quota class, per-project limits and per-user
limits inside a project. ``stratus.quota`` merges them and counts usage.
"""
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from stratus.db import api_models
from stratus import exception
from stratus.objects import base
from stratus.objects import fields

DEFAULT_QUOTA_CLASS = "default"


_SOURCES = [
    sa.select(sa.literal("class"), api_models.QuotaClass.resource,
              api_models.QuotaClass.hard_limit).where(
        api_models.QuotaClass.class_name == DEFAULT_QUOTA_CLASS),
    sa.select(sa.literal("project"), api_models.Quota.resource,
              api_models.Quota.hard_limit).where(
        api_models.Quota.project_id == sa.bindparam("project_id")),
    sa.select(sa.literal("user"), api_models.ProjectUserQuota.resource,
              api_models.ProjectUserQuota.hard_limit).where(
        api_models.ProjectUserQuota.project_id == sa.bindparam("project_id"),
        api_models.ProjectUserQuota.user_id == sa.bindparam("user_id")),
]
_DEFAULT_LIMITS = sa.union_all(*_SOURCES[:1])
_PROJECT_LIMITS = sa.union_all(*_SOURCES[:2])
_USER_LIMITS = sa.union_all(*_SOURCES)


@base.register
class Quotas(base.StratusObject):
    VERSION = "1.0"
    fields = {
        "project_id": fields.StringField(nullable=True),
        "user_id": fields.StringField(nullable=True),
        # Overrides by level, {resource: hard limit}; -1 is unlimited.
        "class_limits": fields.DictOfIntegersField(default={}),
        "project_limits": fields.DictOfIntegersField(default={}),
        "user_limits": fields.DictOfIntegersField(default={}),
    }

    @classmethod
    def get(cls, context, project_id, user_id=None):
        """The stored overrides that apply to a project (and user); with
        project_id None, only the default class's."""
        # One round trip for the three sources, a statement built once:
        # it runs on every create.
        if project_id is None:
            query = _DEFAULT_LIMITS
        elif user_id is None:
            query = _PROJECT_LIMITS
        else:
            query = _USER_LIMITS
        params = {"project_id": project_id, "user_id": user_id}
        found = {"class": {}, "project": {}, "user": {}}
        with context.api_db.reader() as session:
            for source, resource, hard_limit in session.execute(query,
                                                                params):
                found[source][resource] = hard_limit
        class_limits = found["class"]
        project_limits, user_limits = found["project"], found["user"]
        quotas = cls(context=context, project_id=project_id, user_id=user_id,
                     class_limits=class_limits, project_limits=project_limits,
                     user_limits=user_limits)
        quotas.obj_reset_changes()
        return quotas

    @classmethod
    def set_limits(cls, context, project_id, limits, user_id=None):
        """Store {resource: hard limit} for a project, or for one user in
        it, replacing earlier values of those resources."""
        if user_id is None:
            model, scope = api_models.Quota, {"project_id": project_id}
        else:
            model = api_models.ProjectUserQuota
            scope = {"project_id": project_id, "user_id": user_id}
        _store(context, model, scope, limits,
               "the quotas of project %s" % project_id)

    @classmethod
    def destroy_all(cls, context, project_id, user_id=None):
        """Back to defaults: drop a user's limits, or without user_id the
        project's and all its users' limits."""
        with context.api_db.writer() as session:
            user_rows = sa.delete(api_models.ProjectUserQuota).where(
                api_models.ProjectUserQuota.project_id == project_id)
            if user_id is not None:
                session.execute(user_rows.where(
                    api_models.ProjectUserQuota.user_id == user_id))
                return
            session.execute(user_rows)
            session.execute(sa.delete(api_models.Quota).where(
                api_models.Quota.project_id == project_id))


def get_class_limits(context, class_name):
    """{resource: hard limit} stored for a quota class (the ``default``
    class's are the defaults of every project)."""
    model = api_models.QuotaClass
    with context.api_db.reader() as session:
        return dict(session.execute(
            sa.select(model.resource, model.hard_limit).where(
                model.class_name == class_name)).all())


def set_class_limits(context, class_name, limits):
    """Store {resource: hard limit} for a quota class, replacing earlier
    values of those resources."""
    _store(context, api_models.QuotaClass, {"class_name": class_name},
           limits, "the quota class %s" % class_name)


def _store(context, model, scope, limits, what):
    """Write {resource: hard limit} into the rows of model that scope
    ({column: value}) selects, adding the missing ones."""
    try:
        with context.api_db.writer() as session:
            rows = {row.resource: row for row in session.scalars(
                sa.select(model).filter_by(**scope).where(
                    model.resource.in_(list(limits))))}
            for resource, hard_limit in limits.items():
                if resource in rows:
                    rows[resource].hard_limit = hard_limit
                else:
                    session.add(model(resource=resource,
                                      hard_limit=hard_limit, **scope))
    except sa_exc.IntegrityError:
        raise exception.ConcurrentUpdate(what=what)
