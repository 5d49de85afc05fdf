"""/os-volumes_boot: Nova's old alias of /servers (list, detail, show,
create, update, delete and the servers controller's own actions), up to
2.102; microversion 2.103 removed it (404 for every request, as for an
unknown path)."""
from stratus.api.compute import images
from stratus.api.compute import server_actions
from stratus.api.compute import servers
from stratus.api import errors

MAX_VERSION = (2, 102)

# The actions of Nova's ServersController itself (the alias has no
# action extensions: lock, pause ... are "no such action" there).
ACTION_NAMES = ("confirmResize", "revertResize", "reboot", "resize",
                "rebuild", "createImage", "os-start", "os-stop",
                "trigger_crash_dump")


def _check(req):
    images.require_version(req, MAX_VERSION)


def _aliased(handler):
    """handler of /servers, answered up to MAX_VERSION."""
    def alias(req, *args, **kwargs):
        _check(req)
        return handler(req, *args, **kwargs)
    alias.__name__ = alias.__qualname__ = handler.__name__ + "_alias"
    alias.__doc__ = "%s under /os-volumes_boot (to 2.102)." % handler.__name__
    return alias


list_volumes_boot = _aliased(servers.list_servers)
list_volumes_boot_detail = _aliased(servers.list_servers_detail)
show_volumes_boot = _aliased(servers.show_server)
create_volumes_boot = _aliased(servers.create_server)
update_volumes_boot = _aliased(servers.update_server)
delete_volumes_boot = _aliased(servers.delete_server)


def volumes_boot_action(req, server_id):
    _check(req)
    body = req.json_document()
    if isinstance(body, dict) and len(body) == 1:
        name = next(iter(body))
        if name not in ACTION_NAMES or (
                name == "trigger_crash_dump" and req.api_version < (2, 17)):
            raise errors.bad_request("There is no such action: %s" % name)
    return server_actions.server_action(req, server_id)
