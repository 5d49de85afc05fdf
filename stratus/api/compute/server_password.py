"""/servers/{id}/os-server-password: the password the server's guest
posted to the metadata service (encrypted with the server's key pair by
the guest's tools), shown (null when none) and cleared (204), after
which the guest may post one again."""
from stratus.api.compute import servers
from stratus.api import wsgi
from stratus.policies import server_password as policies


def show_server_password(req, server_id):
    instance = servers.get_server(req, server_id,
                                  expected_attrs=["system_metadata"])
    servers.authorize_for(req, policies.SHOW, instance)
    return wsgi.json_response(req, {
        "password": req.app.compute_api.get_password(instance)})


def clear_server_password(req, server_id):
    instance = servers.get_server(req, server_id,
                                  expected_attrs=["system_metadata"])
    servers.authorize_for(req, policies.CLEAR, instance)
    req.app.compute_api.clear_password(req.context, instance)
    return wsgi.empty_response(req)
