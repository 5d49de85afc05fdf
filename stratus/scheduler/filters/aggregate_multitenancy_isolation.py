"""AggregateMultiTenancyIsolation: hosts in aggregates with
``filter_tenant_id`` metadata (or ``filter_tenant_id_<anything>``, for
more projects than one value holds; values may be comma-separated) take
only servers of those projects. Other hosts take every project."""
from stratus.scheduler.filters import utils

KEY_PREFIX = "filter_tenant_id"


class AggregateMultiTenancyIsolation:

    def __init__(self, conf):
        pass

    def host_passes(self, host_state, spec, resources):
        if not host_state.aggregate_metadata:
            return True
        projects = set()
        for key, values in utils.aggregate_metadata(host_state).items():
            if key.startswith(KEY_PREFIX):
                projects |= values
        return not projects or spec.project_id in projects
