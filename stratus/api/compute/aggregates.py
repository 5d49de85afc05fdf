"""os-aggregates, read-only for now: the list `openstack hypervisor show`
reads to name a hypervisor's aggregates. Creating and changing aggregates
is not served yet."""
from stratus.api import wsgi
from stratus.objects import aggregate as aggregate_obj

POLICY = "os_compute_api:os-aggregates:%s"
UUID_VERSION = (2, 41)


def aggregate_view(req, aggregate):
    view = {
        "id": aggregate.id,
        "name": aggregate.name,
        "availability_zone": aggregate.availability_zone,
        "hosts": aggregate.hosts,
        "metadata": aggregate.metadata,
        "created_at": wsgi.isotime(aggregate.created_at, microseconds=True),
        "updated_at": wsgi.isotime(aggregate.updated_at, microseconds=True),
        # API database rows are removed, never soft-deleted.
        "deleted": False,
        "deleted_at": None,
    }
    if req.api_version >= UUID_VERSION:
        view["uuid"] = aggregate.uuid
    return view


def list_aggregates(req):
    req.authorize(POLICY % "index")
    aggregates = aggregate_obj.AggregateList.get_all(req.context)
    return wsgi.json_response(req, {"aggregates": [
        aggregate_view(req, aggregate) for aggregate in aggregates]})
