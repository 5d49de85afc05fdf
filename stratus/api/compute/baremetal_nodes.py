"""/os-baremetal-nodes (deprecated; up to 2.35, 404 above, as in Nova):
Nova's proxy to the bare metal service (Ironic).

Stratus has no bare metal service, and answers as Nova does without one:
listing and showing nodes (admin) answer 501 -- Nova's expected error
of these two, its answer when it has no Ironic client (a Nova whose
Ironic is configured but out of reach answers an unexpected 500, which
Stratus never answers) -- and creating or deleting a node or adding or
removing an interface answer 400 in every case, naming the Ironic
command to use instead, with no policy check, as in Nova.
"""
from stratus.api.compute import images
from stratus.api import errors
from stratus.api import wsgi
from stratus.policies import baremetal_nodes as policies

MAX_VERSION = (2, 35)
NOT_SUPPORTED = "The requested functionality is not supported."


def _no_ironic_proxy(command):
    raise errors.bad_request("Command Not supported. Please use Ironic "
                             "command %s to perform this action." % command)


def _read(req, rule):
    images.require_version(req, MAX_VERSION)
    req.authorize(rule)
    raise errors.HTTPError(501, NOT_SUPPORTED)


def list_baremetal_nodes(req):
    """List the bare metal nodes (Ironic's)."""
    _read(req, policies.LIST)


def show_baremetal_node(req, node_id):
    """Show a bare metal node (Ironic's)."""
    _read(req, policies.SHOW)


def create_baremetal_node(req):
    """Create a bare metal node: never, use Ironic's node-create."""
    # Nova reads the body before it picks the handler of the version:
    # a body that is not JSON is a 400 at any version.
    req.json_body_or_none()
    images.require_version(req, MAX_VERSION)
    _no_ironic_proxy("node-create")


def delete_baremetal_node(req, node_id):
    """Delete a bare metal node: never, use Ironic's node-delete."""
    images.require_version(req, MAX_VERSION)
    _no_ironic_proxy("node-delete")


def _interface_action(command):
    def action(req, node_id):
        images.require_version(req, MAX_VERSION)
        _no_ironic_proxy(command)
    return action


ACTIONS = {
    "add_interface": _interface_action("port-create"),
    "remove_interface": _interface_action("port-delete"),
}


def baremetal_node_action(req, node_id):
    """add_interface or remove_interface: never, use Ironic's ports."""
    return wsgi.dispatch_action(req, ACTIONS, node_id)
