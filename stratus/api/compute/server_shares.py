"""/servers/{id}/shares (2.97, 404 before): Nova's attachments of Manila
shares to a server (virtio-fs).

Stratus has no shared file system service, so no share is ever attached:
a server's list is empty, showing or detaching any share is 404, and an
attach goes through Nova's checks in Nova's order -- the body (400), the
server (404), the policy (403), the server stopped (409), its host able
to share a file system with it (409: the host's provider has the
COMPUTE_STORAGE_VIRTIO_FS trait and COMPUTE_MEM_BACKING_FILE, or the
flavor asks for huge pages with hw:mem_page_size; no Stratus driver
offers virtio-fs) -- and then, where Nova would ask Manila for the share,
answers Nova's 404 for a share Manila does not know. (A Nova whose Manila
is out of reach answers an unexpected 500, which Stratus never answers;
docs/server-extras.md.)
"""
from stratus.api.compute import servers
from stratus.api import errors
from stratus.api.schemas import server_shares as schemas
from stratus.api import validation
from stratus.api import wsgi
from stratus import exception
from stratus.objects import compute_node as compute_node_obj
from stratus.objects import fields
from stratus.placement import exception as placement_exception
from stratus.placement import traits
from stratus.policies import server_shares as policies

MIN_VERSION = (2, 97)
VIRTIO_FS = "COMPUTE_STORAGE_VIRTIO_FS"
MEM_BACKING_FILE = "COMPUTE_MEM_BACKING_FILE"
NOT_CONFIGURED = ("Feature not supported because either compute or "
                  "instance are not configured correctly.")
# The states Nova attaches in, and detaches in.
ATTACH_STATES = frozenset([fields.VMState.STOPPED])
DETACH_STATES = frozenset([fields.VMState.STOPPED, fields.VMState.ERROR])


def _server(req, server_id, rule, expected_attrs=None):
    if req.api_version < MIN_VERSION:
        raise errors.not_found("The resource could not be found.")
    instance = servers.get_server(req, server_id,
                                  expected_attrs=expected_attrs)
    servers.authorize_for(req, policies.POLICY_ROOT % rule, instance)
    return instance


def _share_not_found(share_id):
    return errors.not_found("Share %s could not be found." % share_id)


def _check_state(instance, states, action):
    if instance.vm_state not in states:
        raise exception.InstanceInvalidState(
            action=action, instance_uuid=instance.uuid, attr="vm_state",
            state=instance.vm_state)


def _host_traits(ctx, host):
    """The traits of the first compute node of host (Nova looks at that
    one), empty when it has none or no provider."""
    nodes = compute_node_obj.ComputeNodeList.get_by_host(ctx, host) \
        if host else []
    if not nodes:
        return set()
    try:
        names, _generation = traits.provider_traits(ctx, nodes[0].uuid)
    except placement_exception.ResourceProviderNotFound:
        return set()
    return set(names)


def _check_shares_supported(req, instance):
    found = _host_traits(req.context, instance.host)
    huge_pages = "hw:mem_page_size" in (instance.flavor.extra_specs or {})
    if VIRTIO_FS not in found or not (MEM_BACKING_FILE in found
                                      or huge_pages):
        raise errors.conflict(NOT_CONFIGURED)


@validation.query_schema(schemas.no_query, "2.97")
def list_server_shares(req, server_id):
    """The shares attached to a server: none without a share service."""
    _server(req, server_id, "index")
    return wsgi.json_response(req, {"shares": []})


@validation.query_schema(schemas.no_query, "2.97")
def show_server_share(req, server_id, share_id):
    """A share attached to a server: never without a share service."""
    _server(req, server_id, "show")
    raise _share_not_found(share_id)


@validation.schema(schemas.create, "2.97")
def attach_server_share(req, server_id):
    """Attach a share to a stopped server (Nova's checks, then 404: no
    share service knows the share)."""
    instance = _server(req, server_id, "create", expected_attrs=["flavor"])
    share_id = req.json_document()["share"]["share_id"]
    _check_state(instance, ATTACH_STATES, "create share")
    _check_shares_supported(req, instance)
    raise _share_not_found(share_id)


def detach_server_share(req, server_id, share_id):
    """Detach a share from a stopped (or errored) server: never attached."""
    instance = _server(req, server_id, "delete")
    _check_state(instance, DETACH_STATES, "delete share")
    raise _share_not_found(share_id)
