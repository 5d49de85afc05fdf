"""GET /servers/{id}/topology (2.78): the server's NUMA topology, its
host NUMA node and CPU pinning shown only where the host policy allows
(admins by default). Stratus places no guest on NUMA nodes (no flavor's
hw:numa_* or hw:cpu_policy is applied), so every server answers as
Nova answers for a server without a NUMA topology."""
from stratus.api.compute import servers
from stratus.api import errors
from stratus.api import wsgi
from stratus.policies import server_topology as policies

MIN_VERSION = (2, 78)


def show_topology(req, server_id):
    if req.api_version < MIN_VERSION:
        raise errors.not_found("The resource could not be found.")
    instance = servers.get_server(req, server_id)
    servers.authorize_for(req, policies.INDEX, instance)
    return wsgi.json_response(req, {"nodes": [], "pagesize_kb": None})
