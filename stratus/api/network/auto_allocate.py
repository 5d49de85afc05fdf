"""GET and DELETE /v2.0/auto-allocated-topology/{project_id}: a project's
network with a router to the default external network, made on the first
GET (stratus/network/store/topology.py). ``?fields=dry-run`` only checks
that it could be made (``"id": "dry-run=pass"``). The project ``None`` is
the caller's; only an administrator names another."""
from stratus.api import errors
from stratus.api import wsgi
from stratus.network import exception as net_exception
from stratus.network.store import topology

DRY_RUN = "dry-run"


# The longest project id a network row holds.
MAX_PROJECT_ID = 255


def _project(req, project_id, action):
    if project_id == "None":
        project_id = req.context.project_id
    if len(project_id) > MAX_PROJECT_ID:
        raise net_exception.InvalidInput(error_message=(
            "'%s' exceeds maximum length of %d"
            % (errors.truncate(project_id, 64), MAX_PROJECT_ID)))
    if not req.context.is_admin and project_id != req.context.project_id:
        raise net_exception.NotAuthorized()
    target = {"project_id": project_id, "tenant_id": project_id}
    if not req.can(action, target):
        raise net_exception.PolicyNotAuthorized(action=action)
    return project_id


def _body(req, network_id, project_id):
    return wsgi.json_response(req, {"auto_allocated_topology": {
        "id": network_id, "tenant_id": project_id,
        "project_id": project_id}})


def show_auto_allocated_topology(req, project_id):
    project_id = _project(req, project_id, "get_auto_allocated_topology")
    fields = [field for field in req.GET.getall("fields") if field]
    store = topology.TopologyStore(req.app.databases)
    if DRY_RUN in fields:
        store.check_requirements()
        return _body(req, "dry-run=pass", project_id)
    if fields:
        raise net_exception.BadRequest(resource="auto_allocate",
                                       msg="Unrecognized field")
    options = req.app.conf.neutron
    network_id = store.ensure(project_id, options.auto_allocate_cidr,
                              options.auto_allocate_prefixlen)
    return _body(req, network_id, project_id)


def delete_auto_allocated_topology(req, project_id):
    project_id = _project(req, project_id, "delete_auto_allocated_topology")
    topology.TopologyStore(req.app.databases).delete(project_id)
    return wsgi.empty_response(req)
