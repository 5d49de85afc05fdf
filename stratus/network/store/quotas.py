"""Network quotas: per project and resource, a limit set through the
quotas API or [neutron] quota_<resource>; usage is the count of the
project's rows. -1 is unlimited."""
import sqlalchemy as sa

from stratus.db import network_models as models
from stratus.network import exception as net_exception

MODELS = {"network": models.Network, "subnet": models.Subnet,
          "port": models.Port, "router": models.Router,
          "floatingip": models.FloatingIP,
          "security_group": models.SecurityGroup,
          "security_group_rule": models.SecurityGroupRule}


class QuotaStore:
    def __init__(self, conf, databases):
        self.conf = conf
        self.db = databases.api

    def defaults(self):
        return {resource: getattr(self.conf.neutron, "quota_" + resource)
                for resource in MODELS}

    def limits(self, project_id):
        """{resource: limit} of a project: its own, else the defaults."""
        limits = self.defaults()
        with self.db.reader() as session:
            for resource, limit in session.execute(
                    sa.select(models.NetworkQuota.resource,
                              models.NetworkQuota.hard_limit).where(
                        models.NetworkQuota.project_id == project_id)):
                if resource in limits:
                    limits[resource] = limit
        return limits

    def usage(self, project_id):
        with self.db.reader() as session:
            return {resource: session.execute(
                sa.select(sa.func.count()).select_from(model).where(
                    model.project_id == project_id)).scalar()
                for resource, model in MODELS.items()}

    def enforce(self, project_id, resource, count=1):
        """OverQuota when count more of resource would pass the limit."""
        limit = self.limits(project_id)[resource]
        if limit < 0:
            return
        model = MODELS[resource]
        with self.db.reader() as session:
            used = session.execute(
                sa.select(sa.func.count()).select_from(model).where(
                    model.project_id == project_id)).scalar()
        if used + count > limit:
            raise net_exception.OverQuota(overs="['%s']" % resource)

    def projects(self):
        """{project id: limits} of the projects that have limits of their
        own (the defaults fill the rest)."""
        found = {}
        with self.db.reader() as session:
            for project_id, resource, limit in session.execute(
                    sa.select(models.NetworkQuota.project_id,
                              models.NetworkQuota.resource,
                              models.NetworkQuota.hard_limit).order_by(
                        models.NetworkQuota.project_id)):
                limits = found.setdefault(project_id, self.defaults())
                if resource in limits:
                    limits[resource] = limit
        return found

    def set_limits(self, project_id, limits):
        with self.db.writer() as session:
            for resource, limit in limits.items():
                row = session.get(models.NetworkQuota, (project_id, resource))
                if row is None:
                    session.add(models.NetworkQuota(
                        project_id=project_id, resource=resource,
                        hard_limit=limit))
                else:
                    row.hard_limit = limit

    def reset(self, project_id):
        """The project back on the defaults; TenantQuotaNotFound when it
        had no limits of its own."""
        with self.db.writer() as session:
            deleted = session.execute(sa.delete(models.NetworkQuota).where(
                models.NetworkQuota.project_id == project_id)).rowcount
        if not deleted:
            raise net_exception.TenantQuotaNotFound(tenant_id=project_id)
