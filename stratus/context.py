"""The request context: who asks, under which request id, against which DBs.

A context crosses RPC as a dict of its identity fields only. The receiving
service re-attaches its own database handles (see ``stratus.rpc``), so a
compute service, which has none, cannot open a database by accident.
"""
import contextlib
import copy

from oslo_context import context as oslo_context

from stratus import exception


# Catalog entries a context carries over RPC.
_CATALOG_TYPES = ("image",)
# What from_dict reads.
_RPC_KEYS = ("user_id", "project_id", "is_admin", "roles", "request_id",
             "global_request_id", "user_name", "project_name", "cell_uuid",
             "read_only", "show_deleted", "auth_token", "service_catalog")


class RequestContext(oslo_context.RequestContext):

    def __init__(self, user_id=None, project_id=None, is_admin=None,
                 roles=None, databases=None, cell_uuid=None,
                 service_catalog=None, user_name=None, project_name=None,
                 **kwargs):
        kwargs.setdefault("user_id", user_id)
        kwargs.setdefault("project_id", project_id)
        kwargs.setdefault("roles", roles or [])
        super().__init__(is_admin=bool(is_admin), **kwargs)
        self.databases = databases
        self.cell_uuid = cell_uuid
        self.service_catalog = service_catalog or []
        self.user_name = user_name
        self.project_name = project_name

    @property
    def api_db(self):
        if self.databases is None:
            raise exception.DatabaseNotAvailable()
        return self.databases.api

    @property
    def cell_db(self):
        if self.databases is None:
            raise exception.DatabaseNotAvailable()
        if self.cell_uuid is None:
            raise exception.CellNotTargeted()
        return self.databases.cell(self.cell_uuid)

    def cell_db_for(self, cell_uuid):
        if self.databases is None:
            raise exception.DatabaseNotAvailable()
        return self.databases.cell(cell_uuid)

    @contextlib.contextmanager
    def target_cell(self, cell_uuid):
        """A copy of this context that reads and writes one cell's DB."""
        cctx = copy.copy(self)
        cctx.cell_uuid = cell_uuid
        yield cctx

    def elevated(self):
        ctx = copy.copy(self)
        ctx.is_admin = True
        ctx.roles = list(set(self.roles) | {"admin"})
        return ctx

    def can_see_project(self, project_id):
        return self.is_admin or project_id == self.project_id

    def to_dict(self):
        values = super().to_dict()
        values.update(user_id=self.user_id, project_id=self.project_id,
                      user_name=self.user_name,
                      project_name=self.project_name,
                      cell_uuid=self.cell_uuid,
                      # What a compute needs of the caller's catalog, as Nova.
                      service_catalog=[
                          entry for entry in self.service_catalog
                          if isinstance(entry, dict)
                          and entry.get("type") in _CATALOG_TYPES])
        return values

    def to_rpc_dict(self):
        """to_dict without what from_dict does not read or reads as
        absent (None values, the duplicate user/project names): what an
        RPC message carries (each message's context is copied and
        encoded again on its way)."""
        values = self.to_dict()
        return {name: values[name] for name in _RPC_KEYS
                if values.get(name) is not None}

    @classmethod
    def from_dict(cls, values, databases=None):
        return cls(
            user_id=values.get("user_id") or values.get("user"),
            project_id=values.get("project_id") or values.get("project_id"),
            is_admin=values.get("is_admin"),
            roles=values.get("roles"),
            request_id=values.get("request_id"),
            global_request_id=values.get("global_request_id"),
            user_name=values.get("user_name"),
            project_name=values.get("project_name"),
            cell_uuid=values.get("cell_uuid"),
            read_only=values.get("read_only", False),
            show_deleted=values.get("show_deleted", False),
            auth_token=values.get("auth_token"),
            service_catalog=values.get("service_catalog"),
            databases=databases)


def get_admin_context(databases=None):
    return RequestContext(user_id=None, project_id=None, is_admin=True,
                          roles=["admin"], databases=databases,
                          overwrite=False)
