"""Tenant isolation with placement: with ``[scheduler]
limit_tenants_to_placement_aggregate``, a project named in an aggregate's
``filter_tenant_id`` metadata (or any key starting so:
``filter_tenant_id2``, ``filter_tenant_id_web``...; the value may list
several projects, comma-separated) is placed only on the hosts of those
aggregates (``member_of`` any of them). A project no aggregate names goes
anywhere, or nowhere (NoValidHost) with ``[scheduler]
placement_aggregate_required_for_tenants``, as in Nova.

Other projects may still use those hosts: keeping them out is
AggregateMultiTenancyIsolation's part."""
from stratus import exception

TENANT_METADATA_KEY = "filter_tenant_id"


def apply(ctx, conf, spec, query):
    options = conf.scheduler
    if not options.limit_tenants_to_placement_aggregate:
        return
    project = spec.project_id
    mine = {aggregate.uuid for aggregate in query.aggregates(ctx)
            if names_project(aggregate.metadata, project)}
    if mine:
        query.member_of.append(mine)
    elif options.placement_aggregate_required_for_tenants:
        raise exception.NoValidHost(
            reason="No hosts available for tenant %s" % project)


def names_project(metadata, project):
    return any(key.startswith(TENANT_METADATA_KEY)
               and project in (part.strip() for part in value.split(","))
               for key, value in metadata.items())
